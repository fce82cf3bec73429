namespace Portal.Search.Embeddings;

/// <summary>
/// The embedders this node can run, keyed by model id. A knowledge base's retrieval settings name
/// one (<c>"embedder"</c>); none named means the default. Neural and per-tenant fine-tuned
/// embedders register here beside the hashed one.
/// </summary>
public sealed class EmbedderRegistry
{
    private readonly Dictionary<string, IEmbedder> _byId;

    public EmbedderRegistry(IEnumerable<IEmbedder> embedders, IEmbedder defaultEmbedder)
    {
        Default = defaultEmbedder;
        _byId = embedders.Append(defaultEmbedder).DistinctBy(e => e.ModelId).ToDictionary(e => e.ModelId, StringComparer.Ordinal);
    }

    public IEmbedder Default { get; }

    public IReadOnlyCollection<string> ModelIds => _byId.Keys;

    public IEmbedder Resolve(string? modelId) =>
        string.IsNullOrEmpty(modelId) ? Default
        : _byId.TryGetValue(modelId, out var embedder) ? embedder
        : throw new PortalException("unknown_embedder", $"No embedder '{modelId}' is installed on this node.", 400);
}
