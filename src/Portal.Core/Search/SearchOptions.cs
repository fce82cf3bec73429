using System.ComponentModel.DataAnnotations;

namespace Portal.Search;

/// <summary>The <c>Search</c> configuration section: node-wide limits and defaults. Per-knowledge-base settings live in <see cref="RetrievalSettings"/>.</summary>
public sealed class SearchOptions
{
    [Range(1, 100)] public int DefaultTopK { get; set; } = 10;
    [Range(1, 200)] public int MaxTopK { get; set; } = 50;
    [Range(1, 2000)] public int MaxQueryLength { get; set; } = 1000;

    /// <summary>Dimensions of the built-in hashed embedder. 384 has an HNSW index (migration 0014); others search exactly.</summary>
    [Range(16, 2000)] public int HashedEmbedderDimensions { get; set; } = 384;

    /// <summary>Default <c>hnsw.ef_search</c>: candidates the graph walk keeps; higher is slower and more exact.</summary>
    [Range(10, 1000)] public int EfSearch { get; set; } = 200;

    /// <summary><c>hnsw.max_scan_tuples</c>: how far an iterative scan may go to fill k results after filters.</summary>
    [Range(1000, 10_000_000)] public int MaxScanTuples { get; set; } = 50_000;

    /// <summary>
    /// Knowledge bases (together) up to this many chunks search vectors exactly, with no graph walk:
    /// an exact scan of a few thousand vectors is cheap, exact, and needs no walk through a partition's
    /// graph in which they may be a small fraction. Larger ones use the HNSW index.
    /// </summary>
    [Range(0, 10_000_000)] public int ExactVectorScanMaxChunks { get; set; } = 10_000;

    /// <summary>
    /// Postings the keyword leg may read to find candidates: it probes with the query's rarest terms
    /// until their document frequencies add up to this. Frequent terms still score the candidates.
    /// </summary>
    [Range(100, 10_000_000)] public int KeywordCandidateBudget { get; set; } = 1_000;

    /// <summary>
    /// Hybrid search runs the vector leg on a second connection while the keyword leg runs on the
    /// request's, so its latency is the slower leg's rather than their sum. Off: one connection, one after the other.
    /// </summary>
    public bool ConcurrentLegs { get; set; } = true;

    [Range(1, 10_000)] public int BackfillBatchSize { get; set; } = 256;

    /// <summary>Folder of tenants' fine-tuned projections (<c>./portal train embed --base hashed</c>), registered as extra embedders at start-up; null for none.</summary>
    public string? ProjectionsDirectory { get; set; }
}
