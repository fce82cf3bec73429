namespace Portal.Search;

/// <summary>Restricts both legs to chunks that match every field given.</summary>
public sealed record SearchFilters
{
    public Guid[]? DocumentIds { get; init; }
    public string[]? Languages { get; init; }
    public int? PageFrom { get; init; }
    public int? PageTo { get; init; }
    /// <summary>Chunks whose heading path starts with these headings, in order.</summary>
    public string[]? HeadingPathPrefix { get; init; }
    public string[]? SourceTypes { get; init; }

    public static readonly SearchFilters None = new();
}

/// <summary>A search as the service runs it; unset fields fall back to the knowledge base's settings.</summary>
public sealed record SearchQuery(string Text)
{
    public Guid[]? KnowledgeBaseIds { get; init; }
    public SearchMode? Mode { get; init; }
    public int TopK { get; init; } = 10;
    public SearchFilters Filters { get; init; } = SearchFilters.None;
    public FusionMethod? Fusion { get; init; }
    public int? EfSearch { get; init; }
    public double? MmrLambda { get; init; }
    public bool? DedupeDocuments { get; init; }
}

public sealed record SearchHit(
    long ChunkId,
    Guid DocumentId,
    string DocumentName,
    string Text,
    int? Page,
    string[] HeadingPath,
    double Score,
    int? VectorRank,
    int? KeywordRank,
    double? VectorScore,
    double? KeywordScore,
    string[] MatchedTerms);

/// <summary>A leg's candidate: its 1-based rank, its own score and, for the keyword leg, the query terms it matched.</summary>
internal sealed record LegHit(long ChunkId, int Rank, double Score, string[] MatchedTerms);
