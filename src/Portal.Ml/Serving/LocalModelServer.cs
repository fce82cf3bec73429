using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Portal.Ml.Generation;
using Portal.Ml.Models;
using Portal.Ml.Models.HuggingFace;
using Portal.Ml.Tokenizers;

namespace Portal.Ml.Serving;

/// <summary>What one served request produced, and which adapter version produced it (null: the bare base model).</summary>
public sealed record ServedGeneration(GenerationResult Result, AdapterKey? Adapter);

/// <summary>
/// One base model in memory serving every tenant: each request pins its tenant's adapter version
/// (<see cref="AdapterRegistry.Acquire"/>), selects it with <see cref="AdapterScope"/> for every forward pass it
/// makes, and decodes with the KV-cached <see cref="Generator"/> (sampling, stop sequences and tokens, max tokens).
/// Tenants never see each other's deltas, and a version swap never fails a request in flight (ADR 0006).
/// </summary>
public sealed class LocalModelServer
{
    private readonly ICausalLanguageModel model;
    private readonly Dictionary<string, (long Input, long Output)> layers;

    public LocalModelServer(ICausalLanguageModel model, ITokenizer tokenizer, AdapterRegistry adapters, ChatTemplate? chatTemplate = null,
        IReadOnlyList<int>? stopTokenIds = null)
    {
        this.model = model;
        Tokenizer = tokenizer;
        ChatTemplate = chatTemplate;
        StopTokenIds = stopTokenIds ?? (tokenizer.EosTokenId is { } eos ? [eos] : []);
        Adapters = adapters;
        AdapterLinear.Prepare(model.Root);
        layers = model.Root.named_modules().Where(m => m.module is AdapterLinear)
            .ToDictionary(m => m.name, m => (((AdapterLinear)m.module).base_layer.in_features, ((AdapterLinear)m.module).base_layer.out_features), StringComparer.Ordinal);
        model.Root.eval();
    }

    /// <summary>Serves a Hugging Face Qwen2/Llama directory with its chat template and end-of-sequence ids.</summary>
    public static LocalModelServer For(HuggingFaceModelDirectory directory, AdapterRegistry adapters) =>
        new(directory.RequireCausalLanguageModel(), directory.Tokenizer, adapters, directory.ChatTemplate, directory.EosTokenIds);

    public AdapterRegistry Adapters { get; }

    public ITokenizer Tokenizer { get; }

    /// <summary>The model family's chat template; null for a base model without one (prompts are then used as written).</summary>
    public ChatTemplate? ChatTemplate { get; }

    /// <summary>Token ids that end every answer unless a request names its own.</summary>
    public IReadOnlyList<int> StopTokenIds { get; }

    /// <summary>The longest sequence (prompt and answer) the model accepts.</summary>
    public int MaxSequenceLength => model.Config.MaxPositionEmbeddings;

    /// <summary>A conversation as prompt ids: the chat template with the assistant's turn opened, or the messages' text joined when there is no template.</summary>
    public IReadOnlyList<int> EncodeChat(IReadOnlyList<ChatMessage> messages) =>
        ChatTemplate is { } template
            ? Tokenizer.Encode(template.Render(messages, addGenerationPrompt: true), addSpecialTokens: false)
            : Tokenizer.Encode(string.Join("\n\n", messages.Select(m => m.Content)), addSpecialTokens: true);

    /// <summary>Generates to the end for the tenant's adapter (<paramref name="adapterVersion"/>, else its active one), reporting each text delta.</summary>
    public async Task<ServedGeneration> GenerateAsync(string tenantId, string? adapterVersion, IReadOnlyList<int> promptIds, GenerationOptions options,
        IProgress<string>? progress = null, CancellationToken ct = default)
    {
        using var lease = Adapters.Acquire(tenantId, adapterVersion);
        if (lease.Adapter is { } adapter)
            EnsureFits(adapter);
        var effective = options.StopTokenIds.Count == 0 ? options with { StopTokenIds = StopTokenIds } : options;
        // Decoding runs synchronously on one pool thread: dispose scopes are per thread, and the adapter scope
        // must cover every step (an AsyncLocal set inside an async iterator would not survive its yields).
        var result = await Task.Run(() =>
        {
            using var scope = AdapterScope.Use(lease.Adapter);
            return Generator.GenerateAsync(model, Tokenizer, promptIds, effective, progress, ct);
        }, ct).ConfigureAwait(false);
        return new ServedGeneration(result, lease.Key);
    }

    /// <summary>
    /// Streams the text deltas of <see cref="GenerateAsync"/> as they are decoded; <paramref name="completed"/> gets the
    /// result at the end. Leaving the loop early stops decoding, and the adapter lease is held until decoding has stopped.
    /// </summary>
    public async IAsyncEnumerable<string> StreamAsync(string tenantId, string? adapterVersion, IReadOnlyList<int> promptIds, GenerationOptions options,
        Action<ServedGeneration>? completed = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var deltas = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var decoding = Decode();
        try
        {
            await foreach (var delta in deltas.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                yield return delta;
            completed?.Invoke(await decoding.ConfigureAwait(false));
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await decoding.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The caller left early or cancelled: decoding stopped as asked.
            }
        }

        async Task<ServedGeneration> Decode()
        {
            try
            {
                return await GenerateAsync(tenantId, adapterVersion, promptIds, options, new ChannelProgress(deltas.Writer), stop.Token).ConfigureAwait(false);
            }
            finally
            {
                deltas.Writer.TryComplete();
            }
        }
    }

    /// <summary>An adapter must target this base: every layer a wrapped Linear of the same shape, or the request fails before decoding.</summary>
    private void EnsureFits(LoadedAdapter adapter)
    {
        foreach (var (name, layer) in adapter.Layers)
        {
            if (!layers.TryGetValue(name, out var shape))
                throw new AdapterMismatchException($"adapter {adapter.Key} targets '{name}', which the base model does not have");
            if (layer.A.size(1) != shape.Input || layer.B.size(0) != shape.Output || layer.A.size(0) != layer.B.size(1))
                throw new AdapterMismatchException($"adapter {adapter.Key}: '{name}' is [{layer.B.size(0)}×{layer.B.size(1)}]·[{layer.A.size(0)}×{layer.A.size(1)}], the layer is {shape.Output}×{shape.Input}");
        }
    }

    /// <summary>Writes each delta as it is decoded (<see cref="Progress{T}"/> would post to the pool and could reorder them).</summary>
    private sealed class ChannelProgress(ChannelWriter<string> writer) : IProgress<string>
    {
        public void Report(string value) => writer.TryWrite(value);
    }
}

/// <summary>An adapter that was trained for another base model (other module names or shapes).</summary>
public sealed class AdapterMismatchException(string message) : Exception(message);
