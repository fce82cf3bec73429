using Npgsql;
using NpgsqlTypes;
using Portal.Data;

namespace Portal.Search.Keyword;

/// <summary>A query term and its weight: its count in the query, or a synonym's weight.</summary>
internal sealed record QueryTerm(string Term, double Weight);

/// <summary>
/// Okapi BM25 in SQL over the postings:
/// score(d) = Σ_t w_t · ln(1 + (N − df + 0.5) / (df + 0.5)) · tf·(k1 + 1) / (tf + k1·(1 − b + b·|d| / avgdl)),
/// with k1 and b per knowledge base. Only chunks of a document's active version count as hits.
/// </summary>
internal static class KeywordLeg
{
    public static async Task<List<LegHit>> SearchAsync(PortalDbContext db, IReadOnlyList<KnowledgeBaseScope> scopes,
        IReadOnlyList<QueryTerm> terms, SearchFilters filters, int pool, CancellationToken ct)
    {
        if (terms.Count == 0 || scopes.Count == 0) return [];
        await using var cmd = SearchSql.Command(db, "");
        cmd.CommandText = $"""
            WITH kb AS (SELECT * FROM unnest(@kb_ids, @k1, @b) AS kb(id, k1, b)),
            q AS (SELECT * FROM unnest(@terms, @weights) AS q(term, w)),
            st AS (
                SELECT kb.id, kb.k1, kb.b, s.chunk_count::float8 AS n,
                       s.total_length::float8 / greatest(s.chunk_count, 1) AS avgdl
                FROM kb JOIN search_kb_stats s ON s.knowledge_base_id = kb.id),
            scored AS (
                SELECT p.chunk_id,
                       sum(q.w * ln(1 + (st.n - ts.df + 0.5) / (ts.df + 0.5))
                           * p.tf * (st.k1 + 1) / (p.tf + st.k1 * (1 - st.b + st.b * p.chunk_length / st.avgdl))) AS score,
                       array_agg(q.term ORDER BY q.term) AS matched
                FROM st CROSS JOIN q
                JOIN search_term_stats ts ON ts.knowledge_base_id = st.id AND ts.term = q.term AND ts.df > 0
                JOIN search_postings p ON p.knowledge_base_id = st.id AND p.term = q.term
                GROUP BY p.chunk_id)
            SELECT s.chunk_id, s.score, s.matched
            FROM scored s
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

        var hits = new List<LegHit>(pool);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            hits.Add(new LegHit(reader.GetInt64(0), hits.Count + 1, reader.GetDouble(1), reader.GetFieldValue<string[]>(2)));
        return hits;
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
