using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Portal.Data;
using Portal.Search.Analysis;
using Portal.Search.Embeddings;
using Portal.Search.Fusion;
using Portal.Search.Keyword;
using Portal.Tenancy;

namespace Portal.Search;

/// <summary>
/// Runs a search inside the caller's tenant transaction: the keyword leg (BM25) and the vector leg
/// (HNSW) each fetch a candidate pool, fusion merges them, optional de-duplication and MMR diversify,
/// and the top k are returned with each leg's rank and score.
/// </summary>
internal sealed partial class HybridSearch(PortalDbContext db, VectorLegConnections vectorConnections, TenantContext tenant,
    EmbedderRegistry embedders, IOptions<SearchOptions> options, ILogger<HybridSearch> logger)
{
    /// <summary>Synonym expansions count less than the words the user typed.</summary>
    private const double SynonymWeight = 0.7;

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var scopes = await ScopesAsync(query.KnowledgeBaseIds, ct);
        if (scopes.Count == 0 || string.IsNullOrWhiteSpace(query.Text)) return [];
        var settings = scopes[0].Settings;
        var mode = query.Mode ?? settings.Mode;
        var pool = Math.Max(query.TopK * settings.CandidateMultiplier, query.TopK);

        var synonyms = await Synonyms.LoadAsync(db, ct);
        var expansions = synonyms.Count == 0 ? [] : Synonyms.Expand(query.Text, synonyms);

        List<LegHit> keyword = [], vector = [];
        var vectorText = string.Join(' ', expansions.Prepend(query.Text));
        // In hybrid mode the vector leg runs beside the keyword leg, on its own connection.
        var concurrentVector = mode == SearchMode.Hybrid && options.Value.ConcurrentLegs
            ? VectorInOwnTransactionAsync(await CurrentTenantAsync(ct), scopes, vectorText, query, settings, pool, ct)
            : null;
        try
        {
            if (mode != SearchMode.Vector)
            {
                var terms = KeywordLeg.Terms(SearchAnalyzer.Analyze(query.Text), expansions.SelectMany(SearchAnalyzer.Analyze), SynonymWeight);
                keyword = await KeywordLeg.SearchAsync(db, scopes, terms, query.Filters, pool, options.Value.KeywordCandidateBudget, ct);
            }
        }
        finally
        {
            // Never leave the vector leg running unobserved, whatever the keyword leg did.
            if (concurrentVector is not null) vector = await concurrentVector;
        }
        if (concurrentVector is null && mode != SearchMode.Keyword)
            vector = await VectorAsync(db, scopes, vectorText, query, settings, pool, ct);

        var fused = mode switch
        {
            SearchMode.Keyword => RankFusion.Single(keyword, isVector: false),
            SearchMode.Vector => RankFusion.Single(vector, isVector: true),
            _ when (query.Fusion ?? settings.Fusion) == FusionMethod.Weighted => RankFusion.Weighted(vector, keyword, settings.VectorWeight),
            _ => RankFusion.Reciprocal(vector, keyword, settings.RrfK, settings.VectorWeight),
        };
        var hits = await HydrateAsync(fused, ct);
        if (query.DedupeDocuments ?? settings.DedupeDocuments) hits = Diversity.OnePerDocument(hits, h => h.DocumentId);
        if ((query.MmrLambda ?? settings.MmrLambda) is { } lambda && hits.Count > 1)
        {
            var embedder = embedders.Resolve(settings.Embedder);
            var vectors = await embedder.EmbedAsync(hits.Select(h => h.Text).ToList(), ct);
            hits = Diversity.Mmr(hits.Select(h => h.Score).ToList(), vectors, lambda, query.TopK).Select(i => hits[i]).ToList();
        }
        var results = hits.Take(query.TopK).ToList();
        LogSearched(mode, scopes.Count, keyword.Count, vector.Count, results.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return results;
    }

    private async Task<List<KnowledgeBaseScope>> ScopesAsync(Guid[]? requested, CancellationToken ct)
    {
        // The query filter and row-level security both restrict this to the caller's tenant: another
        // tenant's id is indistinguishable from one that does not exist.
        var kbs = await db.KnowledgeBases.AsNoTracking()
            .Where(k => requested == null || requested.Contains(k.Id))
            .OrderBy(k => k.Id).Select(k => new { k.Id, k.Retrieval }).ToListAsync(ct);
        if (requested is { Length: > 0 } && kbs.Count != requested.Distinct().Count())
            throw PortalException.NotFound("A knowledge base");
        var generations = (await VectorGenerations.LiveAsync(db, kbs.Select(k => k.Id).ToArray(), ct))
            .Where(g => g.State == "active").ToDictionary(g => g.KnowledgeBaseId);
        return kbs.Select(k => new KnowledgeBaseScope(k.Id, RetrievalSettings.From(k.Retrieval), generations.GetValueOrDefault(k.Id))).ToList();
    }

    /// <summary>The tenant the caller's transaction is set to (row-level security's <c>app.tenant_id</c>).</summary>
    private async Task<Guid> CurrentTenantAsync(CancellationToken ct)
    {
        await using var cmd = SearchSql.Command(db, "SELECT current_setting('app.tenant_id')::uuid");
        return (Guid)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// The vector leg in a transaction of its own for the same tenant, so it can run while the keyword
    /// leg uses the request's connection. Read-only; it sees committed chunks, as any search does.
    /// </summary>
    private async Task<List<LegHit>> VectorInOwnTransactionAsync(Guid tenantId, List<KnowledgeBaseScope> scopes, string text,
        SearchQuery query, RetrievalSettings settings, int pool, CancellationToken ct)
    {
        await Task.Yield(); // the keyword leg starts at once
        await using var own = vectorConnections.CreateContext(tenant);
        await using var tx = await own.BeginTenantTransactionAsync(tenantId, ct);
        return await VectorAsync(own, scopes, text, query, settings, pool, ct);
    }

    private async Task<List<LegHit>> VectorAsync(PortalDbContext context, List<KnowledgeBaseScope> scopes, string text, SearchQuery query,
        RetrievalSettings settings, int pool, CancellationToken ct)
    {
        var efSearch = query.EfSearch ?? settings.EfSearch ?? options.Value.EfSearch;
        var candidates = new List<LegHit>();
        // Knowledge bases on different embedders are different spaces: one query per space.
        foreach (var space in scopes.Where(s => s.Generation is not null).Select(s => s.Generation!).GroupBy(g => g.ModelId))
        {
            var embedder = embedders.Resolve(space.Key);
            var embedded = (await embedder.EmbedQueriesAsync([text], ct))[0];
            // A query with no word in it ("%", "(((", emoji) embeds to a zero vector: its cosine distance is NaN, not a rank.
            if (!IsComparable(embedded)) continue;
            candidates.AddRange(await VectorLeg.SearchAsync(context, space.ToList(), embedded, query.Filters, pool,
                Math.Max(efSearch, pool), options.Value.MaxScanTuples, options.Value.ExactVectorScanMaxChunks, ct));
        }
        return candidates.OrderByDescending(h => h.Score).ThenBy(h => h.ChunkId).Take(pool)
            .Select((h, i) => h with { Rank = i + 1 }).ToList();
    }

    private static bool IsComparable(float[] vector)
    {
        if (vector.Length == 0) return false;
        var norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
        return float.IsFinite(norm) && norm > 0;
    }

    private async Task<List<SearchHit>> HydrateAsync(List<FusedHit> fused, CancellationToken ct)
    {
        if (fused.Count == 0) return [];
        await using var cmd = SearchSql.Command(db, """
            SELECT c.id, c.document_id, d.name, c.text, c.page, c.heading_path
            FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE c.id = ANY(@ids)
            """);
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = fused.Select(f => f.ChunkId).ToArray() });
        var rows = new Dictionary<long, (Guid DocumentId, string Name, string Text, int? Page, string[] Headings)>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                rows[reader.GetInt64(0)] = (reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.GetFieldValue<string[]>(5));
        return fused.Where(f => rows.ContainsKey(f.ChunkId)).Select(f =>
        {
            var row = rows[f.ChunkId];
            return new SearchHit(f.ChunkId, row.DocumentId, row.Name, row.Text, row.Page, row.Headings, f.Score,
                f.VectorRank, f.KeywordRank, f.VectorScore, f.KeywordScore, f.MatchedTerms);
        }).ToList();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Searched {KnowledgeBases} knowledge base(s) in {Mode} mode: {KeywordHits} keyword and {VectorHits} vector candidates, {Results} results in {ElapsedMs} ms")]
    private partial void LogSearched(SearchMode mode, int knowledgeBases, int keywordHits, int vectorHits, int results, double elapsedMs);
}
