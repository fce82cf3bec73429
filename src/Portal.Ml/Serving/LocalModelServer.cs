using Portal.Ml.Tokenizers;
using Portal.Ml.Training.Lora;

namespace Portal.Ml.Serving;

public sealed record GenerationOptions
{
    public int MaxNewTokens { get; init; } = 128;

    /// <summary>Wrap the prompt in the model's prompt format (as the adapter was trained) before generating.</summary>
    public bool ApplyPromptFormat { get; init; } = true;
}

public sealed record GenerationResult(string Text, AdapterKey? Adapter, int PromptTokens, int GeneratedTokens);

/// <summary>
/// One base model in memory serving every tenant: each request pins its tenant's adapter version
/// (<see cref="AdapterRegistry.Acquire"/>) and selects it with <see cref="AdapterScope"/> for the
/// forward passes it makes, so tenants never see each other's deltas. The chat service's
/// <c>local</c> generator calls <see cref="GenerateAsync"/>.
/// </summary>
public sealed class LocalModelServer
{
    private readonly TrainableLanguageModel model;
    private readonly ITokenizer tokenizer;
    private readonly IPromptFormat format;

    public LocalModelServer(TrainableLanguageModel model, ITokenizer tokenizer, AdapterRegistry adapters, IPromptFormat? format = null)
    {
        this.model = model;
        this.tokenizer = tokenizer;
        this.format = format ?? PlainPromptFormat.Instance;
        Adapters = adapters;
        AdapterLinear.Prepare(model.Model);
        model.Model.eval();
    }

    public AdapterRegistry Adapters { get; }

    public async Task<GenerationResult> GenerateAsync(string tenantId, string? adapterVersion, string prompt, GenerationOptions? options, CancellationToken ct)
    {
        options ??= new GenerationOptions();
        using var lease = Adapters.Acquire(tenantId, adapterVersion);
        var text = options.ApplyPromptFormat ? format.Prompt(prompt, "") : prompt;
        var promptIds = tokenizer.Encode(text, addSpecialTokens: !options.ApplyPromptFormat || format.AddSpecialTokens);
        // Decoding is synchronous on a pool thread: dispose scopes are per thread and must not span an await.
        var generated = await Task.Run(() =>
        {
            using var scope = AdapterScope.Use(lease.Adapter);
            return GreedyDecoder.Generate(model, promptIds, options.MaxNewTokens, tokenizer.EosTokenId, ct);
        }, ct).ConfigureAwait(false);
        return new GenerationResult(tokenizer.Decode(generated), lease.Key, promptIds.Count, generated.Count);
    }
}
