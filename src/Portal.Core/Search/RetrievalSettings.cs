using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Search;

public enum SearchMode { Hybrid, Vector, Keyword }

public enum FusionMethod { Rrf, Weighted }

/// <summary>
/// One knowledge base's retrieval settings, stored as <c>knowledge_bases.retrieval</c> (JSON, camelCase).
/// Missing fields take these defaults, so <c>{}</c> is a valid setting.
/// </summary>
public sealed record RetrievalSettings
{
    public SearchMode Mode { get; init; } = SearchMode.Hybrid;
    public FusionMethod Fusion { get; init; } = FusionMethod.Rrf;
    /// <summary>The k of Reciprocal Rank Fusion: 1 / (k + rank).</summary>
    public int RrfK { get; init; } = 10;
    /// <summary>
    /// Weight of the vector leg in either fusion; the keyword leg gets 1 − this (0.5 is plain RRF).
    /// The defaults (k 10, 0.05) were chosen on half of CMRC 2018 dev and held on the other half: the
    /// built-in embedder is lexical and much weaker than BM25, so it breaks near-ties and fills the
    /// pool rather than outvoting BM25 (bench/retrieval/RESULTS.md).
    /// </summary>
    public double VectorWeight { get; init; } = 0.05;
    /// <summary>Each leg fetches top-k × this many candidates before fusion.</summary>
    public int CandidateMultiplier { get; init; } = 4;
    public double Bm25K1 { get; init; } = 1.2;
    public double Bm25B { get; init; } = 0.75;
    public int? EfSearch { get; init; }
    /// <summary>Maximal Marginal Relevance λ in (0, 1]; null turns diversity re-ranking off.</summary>
    public double? MmrLambda { get; init; }
    /// <summary>Keep only the best chunk of each document.</summary>
    public bool DedupeDocuments { get; init; }
    /// <summary>Embedder model id; null is the node's default embedder.</summary>
    public string? Embedder { get; init; }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static RetrievalSettings From(JsonDocument? json) =>
        json is null || json.RootElement.ValueKind != JsonValueKind.Object ? new()
            : json.RootElement.Deserialize<RetrievalSettings>(Json) ?? new();

    /// <summary>Field names of the first invalid setting, or null.</summary>
    public string? Invalid() =>
        RrfK is < 1 or > 1000 ? "rrfK"
        : VectorWeight is < 0 or > 1 ? "vectorWeight"
        : CandidateMultiplier is < 1 or > 20 ? "candidateMultiplier"
        : Bm25K1 is < 0 or > 5 ? "bm25K1"
        : Bm25B is < 0 or > 1 ? "bm25B"
        : EfSearch is < 10 or > 1000 ? "efSearch"
        : MmrLambda is <= 0 or > 1 ? "mmrLambda"
        : null;
}
