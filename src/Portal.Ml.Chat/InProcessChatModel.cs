using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Chat.Generators;
using Portal.Ml.Adapters;
using Portal.Ml.Generation;
using Portal.Ml.Models.HuggingFace;
using Portal.Ml.Serving;
using Portal.Ml.Tokenizers;

namespace Portal.Ml.Chat;

/// <summary>
/// <see cref="ILocalChatModel"/> over one <see cref="LocalModelServer"/>: the base model is loaded once (at start-up by
/// <see cref="LocalChatModelWarmUp"/>), and every request names its tenant's adapter version, read from the database
/// for that request, so a swap applies from the next question while answers in flight keep their lease on the old one.
/// </summary>
internal sealed partial class InProcessChatModel(IOptions<LocalChatModelOptions> options, ILogger<InProcessChatModel> logger) : ILocalChatModel, IDisposable
{
    private readonly LocalChatModelOptions _options = options.Value;
    private readonly Lock _gate = new();
    private Loaded? _loaded;

    public bool IsInstalled => _options.IsInstalled;

    public int ContextLength => Server.MaxSequenceLength;

    public int CountPromptTokens(IReadOnlyList<LocalChatMessage> messages) => Server.EncodeChat(Convert(messages)).Count;

    public bool HasAdapter(Guid tenantId, string version) =>
        AdapterDirectory(tenantId, version) is { } directory
        && File.Exists(Path.Combine(directory, PeftAdapterFormat.ConfigFile)) && File.Exists(Path.Combine(directory, PeftAdapterFormat.WeightsFile));

    public async IAsyncEnumerable<string> StreamAsync(LocalChatRequest request, LocalChatUsage usage, [EnumeratorCancellation] CancellationToken ct)
    {
        var server = Server;
        var tenant = request.TenantId.ToString("D");
        var version = request.AdapterVersion;
        if (version is not null && !HasAdapter(request.TenantId, version))
            throw new Portal.PortalException("adapter-not-found", $"The tenant's active adapter '{version}' is not on this node.", 503);
        // The database names the version; older ones leave the cache and are freed after their last request.
        server.Adapters.Retire(tenant, version);
        var prompt = server.EncodeChat(Convert(request.Messages));
        var sampling = request.Sampling;
        var generation = new GenerationOptions
        {
            MaxNewTokens = Math.Max(1, Math.Min(sampling.MaxTokens, server.MaxSequenceLength - prompt.Count)),
            Temperature = sampling.Temperature,
            TopP = sampling.TopP,
            TopK = sampling.TopK,
            Seed = sampling.Seed,
            StopSequences = sampling.StopSequences,
        };
        var deltas = server.StreamAsync(tenant, version, prompt, generation, done =>
        {
            usage.PromptTokens = done.Result.PromptTokens;
            usage.CompletionTokens = done.Result.TokenIds.Count;
            LogAnswered(tenant, done.Adapter?.Version ?? "base", done.Result.TokenIds.Count, Math.Round(done.Result.TokensPerSecond, 1));
        }, ct).GetAsyncEnumerator(ct);
        try
        {
            while (true)
            {
                try
                {
                    if (!await deltas.MoveNextAsync())
                        break;
                }
                catch (AdapterMismatchException e)
                {
                    throw new Portal.PortalException("adapter-mismatch", $"The tenant's active adapter does not fit this node's base model: {e.Message}.", 409);
                }
                yield return deltas.Current;
            }
        }
        finally
        {
            await deltas.DisposeAsync();
        }
    }

    /// <summary>The server, loading the base model on first use.</summary>
    internal LocalModelServer Server
    {
        get
        {
            if (Volatile.Read(ref _loaded) is { } loaded)
                return loaded.Server;
            lock (_gate)
            {
                if (_loaded is null)
                {
                    if (!IsInstalled)
                        throw new InvalidOperationException("Ml:ChatModel:BaseModel is empty: this node has no local chat model.");
                    var directory = HuggingFaceModelDirectory.Load(_options.BaseModel);
                    var adapters = new AdapterRegistry(key => PeftAdapterFormat.Load(AdapterDirectory(Guid.Parse(key.TenantId), key.Version)
                                                                                      ?? throw new InvalidOperationException("no adapter directory is configured")),
                        new AdapterCacheOptions { MaxAdapters = _options.MaxAdapters, MaxBytes = _options.MaxAdapterMegabytes * 1024L * 1024 });
                    Volatile.Write(ref _loaded, new Loaded(directory, adapters, LocalModelServer.For(directory, adapters)));
                    LogLoaded(_options.BaseModel, directory.ModelType, directory.ChatTemplate?.Family.ToString() ?? "none");
                }
                return _loaded.Server;
            }
        }
    }

    private string? AdapterDirectory(Guid tenantId, string version) =>
        string.IsNullOrWhiteSpace(_options.AdaptersDirectory) || !AdapterVersions.IsValid(version)
            ? null
            : Path.Combine(_options.AdaptersDirectory, tenantId.ToString("D"), version);

    private static List<ChatMessage> Convert(IReadOnlyList<LocalChatMessage> messages) => messages.Select(m => new ChatMessage(m.Role, m.Content)).ToList();

    public void Dispose()
    {
        if (_loaded is { } loaded)
        {
            loaded.Adapters.Dispose();
            loaded.Directory.Dispose();
        }
    }

    private sealed record Loaded(HuggingFaceModelDirectory Directory, AdapterRegistry Adapters, LocalModelServer Server);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local chat model {Path} loaded ({ModelType}, chat template {Template})")]
    private partial void LogLoaded(string path, string modelType, string template);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local answer for {TenantId} with adapter {Adapter}: {Tokens} tokens at {TokensPerSecond} tokens/s")]
    private partial void LogAnswered(string tenantId, string adapter, int tokens, double tokensPerSecond);
}
