using Npgsql;
using NpgsqlTypes;
using Portal.Data;
using Portal.Documents;
using Portal.Search.Analysis;

namespace Portal.Search.Keyword;

/// <summary>
/// Maintains the BM25 inverted index: postings (term → chunk, tf, |chunk|), the chunk side (length,
/// terms) and per-knowledge-base statistics (df per term, N, total length). Idempotent: indexing a
/// chunk again first removes what it had.
/// </summary>
internal sealed class KeywordIndexer : IChunkIndexer
{
    public async Task IndexAsync(PortalDbContext db, Guid knowledgeBaseId, IReadOnlyList<Chunk> chunks, CancellationToken ct)
    {
        if (chunks.Count == 0) return;
        await RemoveAsync(db, knowledgeBaseId, chunks.Select(c => c.Id).ToArray(), ct);

        var terms = new List<string>();
        var chunkIds = new List<long>();
        var tfs = new List<int>();
        var lengths = new List<int>();
        foreach (var chunk in chunks)
        {
            var analyzed = SearchAnalyzer.Analyze(chunk.Text);
            if (analyzed.Count == 0) continue;
            foreach (var group in analyzed.GroupBy(t => t, StringComparer.Ordinal))
            {
                terms.Add(group.Key);
                chunkIds.Add(chunk.Id);
                tfs.Add(group.Count());
                lengths.Add(analyzed.Count);
            }
        }
        if (terms.Count == 0) return;

        // df rows are upserted in term order: two documents indexed at once into one knowledge base
        // then lock shared terms in the same order and wait for each other instead of deadlocking.
        await using var cmd = SearchSql.Command(db, """
            WITH p AS (SELECT * FROM unnest(@terms, @chunk_ids, @tfs, @lengths) AS p(term, chunk_id, tf, len)),
            postings AS (
                INSERT INTO search_postings (tenant_id, knowledge_base_id, term, chunk_id, tf, chunk_length)
                SELECT @tenant, @kb, term, chunk_id, tf, len FROM p),
            chunk_side AS (
                INSERT INTO search_keyword_chunks (chunk_id, tenant_id, knowledge_base_id, length, terms)
                SELECT chunk_id, @tenant, @kb, max(len), array_agg(term ORDER BY term) FROM p GROUP BY chunk_id),
            df AS (
                INSERT INTO search_term_stats AS s (tenant_id, knowledge_base_id, term, df)
                SELECT @tenant, @kb, term, count(*) FROM p GROUP BY term ORDER BY term
                ON CONFLICT (knowledge_base_id, term) DO UPDATE SET df = s.df + excluded.df)
            INSERT INTO search_kb_stats AS k (knowledge_base_id, tenant_id, chunk_count, total_length)
            SELECT @kb, @tenant, count(*), coalesce(sum(len), 0) FROM (SELECT DISTINCT chunk_id, len FROM p) c
            ON CONFLICT (knowledge_base_id) DO UPDATE
                SET chunk_count = k.chunk_count + excluded.chunk_count, total_length = k.total_length + excluded.total_length
            """);
        cmd.Parameters.AddWithValue("tenant", chunks[0].TenantId);
        cmd.Parameters.AddWithValue("kb", knowledgeBaseId);
        cmd.Parameters.Add(new NpgsqlParameter("terms", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = terms.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("chunk_ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = chunkIds.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("tfs", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = tfs.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("lengths", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = lengths.ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task RemoveAsync(PortalDbContext db, Guid knowledgeBaseId, IReadOnlyCollection<long> chunkIds, CancellationToken ct)
    {
        if (chunkIds.Count == 0) return;
        // Lock the affected df rows in term order first (see IndexAsync), then take everything out.
        await using var cmd = SearchSql.Command(db, """
            SELECT 1 FROM search_term_stats
            WHERE knowledge_base_id = @kb
              AND term IN (SELECT unnest(terms) FROM search_keyword_chunks WHERE knowledge_base_id = @kb AND chunk_id = ANY(@ids))
            ORDER BY term FOR UPDATE;

            WITH gone AS (
                DELETE FROM search_keyword_chunks WHERE knowledge_base_id = @kb AND chunk_id = ANY(@ids)
                RETURNING chunk_id, length, terms),
            t AS (SELECT chunk_id, unnest(terms) AS term FROM gone),
            postings AS (
                DELETE FROM search_postings p USING t
                WHERE p.knowledge_base_id = @kb AND p.term = t.term AND p.chunk_id = t.chunk_id),
            df AS (
                UPDATE search_term_stats s SET df = s.df - x.n
                FROM (SELECT term, count(*) AS n FROM t GROUP BY term) x
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
