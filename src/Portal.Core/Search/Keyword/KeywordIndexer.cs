using Npgsql;
using NpgsqlTypes;
using Portal.Data;
using Portal.Documents;

namespace Portal.Search.Keyword;

/// <summary>
/// Maintains the BM25 index: one row per chunk (length and a tsvector of its terms with their tf)
/// and per-knowledge-base statistics (df per term, N, total length). Idempotent: indexing a chunk
/// again first removes what it had.
/// </summary>
internal sealed class KeywordIndexer : IChunkIndexer
{
    public async Task IndexAsync(PortalDbContext db, Guid knowledgeBaseId, IReadOnlyList<Chunk> chunks, CancellationToken ct)
    {
        if (chunks.Count == 0) return;
        await RemoveAsync(db, knowledgeBaseId, chunks.Select(c => c.Id).ToArray(), ct);

        var chunkIds = new List<long>();
        var lengths = new List<int>();
        var vectors = new List<string>();
        var df = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var chunk in chunks)
        {
            var terms = KeywordTerms.Of(chunk.Text);
            if (terms.Length == 0) continue;
            chunkIds.Add(chunk.Id);
            lengths.Add(terms.Length);
            vectors.Add(terms.ToTsVector());
            foreach (var term in terms.Frequencies.Keys) df[term] = df.GetValueOrDefault(term) + 1;
        }
        if (chunkIds.Count == 0) return;

        // df rows are upserted in term order: two documents indexed at once into one knowledge base
        // then lock shared terms in the same order and wait for each other instead of deadlocking.
        await using var cmd = SearchSql.Command(db, """
            WITH chunk_side AS (
                INSERT INTO search_keyword_chunks (chunk_id, tenant_id, knowledge_base_id, length, terms)
                SELECT chunk_id, @tenant, @kb, len, terms::tsvector
                FROM unnest(@chunk_ids, @lengths, @vectors) AS p(chunk_id, len, terms)),
            df AS (
                INSERT INTO search_term_stats AS s (tenant_id, knowledge_base_id, term, df)
                SELECT @tenant, @kb, term, n FROM unnest(@terms, @dfs) AS t(term, n) ORDER BY term
                ON CONFLICT (knowledge_base_id, term) DO UPDATE SET df = s.df + excluded.df)
            INSERT INTO search_kb_stats AS k (knowledge_base_id, tenant_id, chunk_count, total_length)
            VALUES (@kb, @tenant, @count, @total_length)
            ON CONFLICT (knowledge_base_id) DO UPDATE
                SET chunk_count = k.chunk_count + excluded.chunk_count, total_length = k.total_length + excluded.total_length
            """);
        cmd.Parameters.AddWithValue("tenant", chunks[0].TenantId);
        cmd.Parameters.AddWithValue("kb", knowledgeBaseId);
        cmd.Parameters.Add(new NpgsqlParameter("chunk_ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = chunkIds.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("lengths", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = lengths.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("vectors", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = vectors.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("terms", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = df.Keys.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("dfs", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = df.Values.ToArray() });
        cmd.Parameters.AddWithValue("count", (long)chunkIds.Count);
        cmd.Parameters.AddWithValue("total_length", lengths.Sum(l => (long)l));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task RemoveAsync(PortalDbContext db, Guid knowledgeBaseId, IReadOnlyCollection<long> chunkIds, CancellationToken ct)
    {
        if (chunkIds.Count == 0) return;
        // Lock the affected df rows in term order first (see IndexAsync), then take everything out.
        await using var cmd = SearchSql.Command(db, """
            -- The chunks' terms first, then one index probe per term: a semi-join would read every term row of the
            -- knowledge base, which is most of the cost of indexing new chunks (that have no terms to remove).
            SELECT 1 FROM search_term_stats
            WHERE knowledge_base_id = @kb
              AND term = ANY(ARRAY(SELECT DISTINCT unnest(tsvector_to_array(terms)) FROM search_keyword_chunks
                                   WHERE knowledge_base_id = @kb AND chunk_id = ANY(@ids)))
            ORDER BY term FOR UPDATE;

            WITH gone AS (
                DELETE FROM search_keyword_chunks WHERE knowledge_base_id = @kb AND chunk_id = ANY(@ids)
                RETURNING chunk_id, length, terms),
            df AS (
                UPDATE search_term_stats s SET df = s.df - x.n
                FROM (SELECT term, count(*) AS n FROM gone, unnest(tsvector_to_array(gone.terms)) AS term GROUP BY term) x
                WHERE s.knowledge_base_id = @kb AND s.term = x.term)
            UPDATE search_kb_stats
            SET chunk_count = chunk_count - (SELECT count(*) FROM gone),
                total_length = total_length - (SELECT coalesce(sum(length), 0) FROM gone)
            WHERE knowledge_base_id = @kb AND EXISTS (SELECT 1 FROM gone)
            """);
        cmd.Parameters.AddWithValue("kb", knowledgeBaseId);
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = chunkIds.ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
