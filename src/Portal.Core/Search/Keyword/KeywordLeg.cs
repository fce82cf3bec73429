using Npgsql;
using NpgsqlTypes;
using Portal.Data;

namespace Portal.Search.Keyword;

/// <summary>A query term and its weight: its count in the query, or a synonym's weight.</summary>
internal sealed record QueryTerm(string Term, double Weight);

/// <summary>
/// Okapi BM25 in SQL over the per-chunk term vectors:
/// score(d) = Σ_t w_t · ln(1 + (N − df + 0.5) / (df + 0.5)) · tf·(k1 + 1) / (tf + k1·(1 − b + b·|d| / avgdl)),
/// with k1 and b per knowledge base. Only chunks of a document's active version count as hits.
/// <para>
/// Candidates come from the GIN index, probed with the query's rarest terms until their document
/// frequencies add up to <c>candidateBudget</c> (the rarest term always probes). Frequent terms
/// (CJK single characters, "the") still score every candidate but do not widen the candidate set:
/// a chunk that shares only frequent terms with the query rarely outranks one that also holds a
/// rare one, and reading their long posting lists is what made the leg slow. When the whole query
/// fits the budget (small knowledge bases) the result is exact BM25 over all matching chunks.
/// </para>
/// </summary>
internal static class KeywordLeg
{
    public static async Task<List<LegHit>> SearchAsync(PortalDbContext db, IReadOnlyList<KnowledgeBaseScope> scopes,
        IReadOnlyList<QueryTerm> terms, SearchFilters filters, int pool, int candidateBudget, CancellationToken ct)
    {
        if (terms.Count == 0 || scopes.Count == 0) return [];
        await using var cmd = Command(db, scopes, terms, filters, pool, candidateBudget);
        var hits = new List<LegHit>(pool);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            hits.Add(new LegHit(reader.GetInt64(0), hits.Count + 1, reader.GetDouble(1), reader.GetFieldValue<string[]>(2).Order(StringComparer.Ordinal).ToArray()));
        return hits;
    }

    /// <summary>The query itself; the benchmark runs it under EXPLAIN (ANALYZE).</summary>
    public static NpgsqlCommand Command(PortalDbContext db, IReadOnlyList<KnowledgeBaseScope> scopes,
        IReadOnlyList<QueryTerm> terms, SearchFilters filters, int pool, int candidateBudget)
    {
        var cmd = SearchSql.Command(db, "");
        // tf comes from the chunk's tsvector: setweight marks the query's lexemes (binary search),
        // ts_filter keeps just those, and each kept lexeme's position count is its tf.
        // search_keyword_candidates probes the GIN index per knowledge base (migration 0004 says why it
        // is a function). OFFSET 0 lets the final join walk the sorted scores and stop after @pool live chunks.
        cmd.CommandText = $"""
            WITH kb AS (SELECT * FROM unnest(@kb_ids, @k1, @b) AS kb(id, k1, b)),
            q AS (SELECT * FROM unnest(@terms, @weights) AS q(term, w)),
            qt AS MATERIALIZED (
                SELECT kb.id AS kb_id, kb.k1, kb.b, s.total_length::float8 / greatest(s.chunk_count, 1) AS avgdl,
                       q.term, q.w, ln(1 + (s.chunk_count - ts.df + 0.5) / (ts.df + 0.5)) AS idf,
                       sum(ts.df) OVER (PARTITION BY kb.id ORDER BY ts.df, q.term) - ts.df AS rarer_postings
                FROM kb JOIN search_kb_stats s ON s.knowledge_base_id = kb.id
                CROSS JOIN q
                JOIN search_term_stats ts ON ts.knowledge_base_id = kb.id AND ts.term = q.term AND ts.df > 0),
            probe AS (
                SELECT kb_id, string_agg(quote_literal(term), ' | ')::tsquery AS query
                FROM qt WHERE rarer_postings < @budget GROUP BY kb_id),
            candidates AS (
                SELECT probe.kb_id AS knowledge_base_id, c.* FROM probe
                CROSS JOIN LATERAL search_keyword_candidates(probe.kb_id, probe.query) c),
            terms AS (
                SELECT chunk_id, knowledge_base_id, length, (t).lexeme, cardinality((t).positions) AS tf
                FROM (SELECT c.*, unnest(ts_filter(setweight(c.terms, 'A', @terms), ARRAY['a']::"char"[])) AS t
                      FROM candidates c) m),
            scored AS MATERIALIZED (
                SELECT m.chunk_id,
                       sum(qt.w * qt.idf * m.tf * (qt.k1 + 1) / (m.tf + qt.k1 * (1 - qt.b + qt.b * m.length / qt.avgdl))) AS score,
                       array_agg(qt.term) AS matched
                FROM terms m JOIN qt ON qt.kb_id = m.knowledge_base_id AND qt.term = m.lexeme
                GROUP BY m.chunk_id)
            SELECT s.chunk_id, s.score, s.matched
            FROM (SELECT * FROM scored ORDER BY score DESC, chunk_id OFFSET 0) s
            JOIN chunks c ON c.id = s.chunk_id
            JOIN documents d ON d.id = c.document_id AND d.active_version = c.document_version
            WHERE true{SqlFilters.Where(filters, cmd)}
            ORDER BY s.score DESC, s.chunk_id
            LIMIT @pool
            """;
        cmd.Parameters.Add(new NpgsqlParameter("kb_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = scopes.Select(s => s.Id).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("k1", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = scopes.Select(s => s.Settings.Bm25K1).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("b", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = scopes.Select(s => s.Settings.Bm25B).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("terms", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = terms.Select(t => t.Term).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("weights", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = terms.Select(t => t.Weight).ToArray() });
        cmd.Parameters.AddWithValue("pool", pool);
        cmd.Parameters.AddWithValue("budget", (long)candidateBudget);
        return cmd;
    }

    /// <summary>Query terms with weights: repeated terms count once per occurrence, synonyms at their own weight.</summary>
    public static List<QueryTerm> Terms(IEnumerable<string> queryTerms, IEnumerable<string> synonymTerms, double synonymWeight)
    {
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var t in queryTerms) weights[t] = weights.GetValueOrDefault(t) + 1;
        foreach (var t in synonymTerms) weights.TryAdd(t, synonymWeight);
        return weights.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new QueryTerm(kv.Key, kv.Value)).ToList();
    }
}

/// <summary>A knowledge base being searched, with its settings and (for the vector leg) its active generation.</summary>
internal sealed record KnowledgeBaseScope(Guid Id, RetrievalSettings Settings, VectorGeneration? Generation);
