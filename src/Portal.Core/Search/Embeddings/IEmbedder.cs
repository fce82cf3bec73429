namespace Portal.Search.Embeddings;

/// <summary>
/// Turns texts into unit vectors. <see cref="ModelId"/> names the model and its version; it is
/// stored with every vector (as the generation's model), so two embedders never share a space.
/// </summary>
public interface IEmbedder
{
    /// <summary>Model and version, e.g. <c>hashed-ngram/v1/d384</c>. A change of weights must change it.</summary>
    string ModelId { get; }

    int Dimensions { get; }

    /// <summary>Embeds a batch of passages (chunks, documents); returns one L2-normalised vector per text, in order.</summary>
    ValueTask<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken ct);

    /// <summary>
    /// Embeds search queries. Asymmetric models (bge, e5) prefix queries with an instruction that passages
    /// never get; a symmetric embedder embeds queries as it embeds passages.
    /// </summary>
    ValueTask<float[][]> EmbedQueriesAsync(IReadOnlyList<string> queries, CancellationToken ct) => EmbedAsync(queries, ct);
}
