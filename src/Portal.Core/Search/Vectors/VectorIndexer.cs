using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Portal.Data;
using Portal.Documents;
using Portal.Search.Embeddings;

namespace Portal.Search;

/// <summary>
/// The embedding step of ingestion: embeds new chunks into every live generation of the knowledge
/// base (the active one, and a building one while a new embedder is being backfilled).
/// </summary>
internal sealed class VectorIndexer(EmbedderRegistry embedders) : IChunkIndexer
{
    public async Task IndexAsync(PortalDbContext db, Guid knowledgeBaseId, IReadOnlyList<Chunk> chunks, CancellationToken ct)
    {
        if (chunks.Count == 0) return;
        var generations = await VectorGenerations.LiveAsync(db, [knowledgeBaseId], ct);
        if (generations.Count == 0)
        {
            // Two first documents of a knowledge base may be indexed at once: the row lock makes the
            // second wait and then find the generation the first created.
            await using (var lockKb = SearchSql.Command(db, "SELECT 1 FROM knowledge_bases WHERE id = @kb FOR NO KEY UPDATE"))
            {
                lockKb.Parameters.AddWithValue("kb", knowledgeBaseId);
                await lockKb.ExecuteNonQueryAsync(ct);
            }
            generations = await VectorGenerations.LiveAsync(db, [knowledgeBaseId], ct);
        }
        if (generations.Count == 0)
        {
            var kb = await db.KnowledgeBases.AsNoTracking().SingleAsync(k => k.Id == knowledgeBaseId, ct);
            var embedder = embedders.Resolve(RetrievalSettings.From(kb.Retrieval).Embedder);
            generations.Add(await VectorGenerations.CreateAsync(db, chunks[0].TenantId, knowledgeBaseId, embedder.ModelId, embedder.Dimensions, ct));
        }
        foreach (var generation in generations)
        {
            var embedder = embedders.Resolve(generation.ModelId);
            var vectors = await embedder.EmbedAsync(chunks.Select(c => c.Text).ToList(), ct);
            await WriteAsync(db, generation, chunks[0].TenantId, chunks.Select(c => c.Id).ToArray(), vectors, ct);
        }
    }

    /// <summary>
    /// Drops the chunks' vector mappings, then every distinct vector no chunk maps to any more. An
    /// embedding a concurrent writer has locked (it is mapping a chunk to it) is skipped; one that
    /// is locked here makes such a writer wait and then insert it afresh (<see cref="WriteAsync"/>).
    /// </summary>
    public async Task RemoveAsync(PortalDbContext db, Guid knowledgeBaseId, IReadOnlyCollection<long> chunkIds, CancellationToken ct)
    {
        if (chunkIds.Count == 0) return;
        var released = new List<long>();
        await using (var cmd = SearchSql.Command(db,
            "WITH removed AS (DELETE FROM search_vectors WHERE knowledge_base_id = @kb AND chunk_id = ANY(@ids) RETURNING embedding_id) " +
            "SELECT DISTINCT embedding_id FROM removed"))
        {
            cmd.Parameters.AddWithValue("kb", knowledgeBaseId);
            cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = chunkIds.ToArray() });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) released.Add(reader.GetInt64(0));
        }
        if (released.Count == 0) return;
        var locked = new List<long>();
        await using (var lockCmd = SearchSql.Command(db, "SELECT id FROM search_embeddings WHERE knowledge_base_id = @kb AND id = ANY(@ids) FOR UPDATE SKIP LOCKED"))
        {
            lockCmd.Parameters.AddWithValue("kb", knowledgeBaseId);
            lockCmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = released.ToArray() });
            await using var reader = await lockCmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) locked.Add(reader.GetInt64(0));
        }
        if (locked.Count == 0) return;
        // A new statement, so a mapping committed before the lock was taken is seen.
        await using var delete = SearchSql.Command(db, """
            DELETE FROM search_embeddings e WHERE e.knowledge_base_id = @kb AND e.id = ANY(@ids)
              AND NOT EXISTS (SELECT 1 FROM search_vectors v WHERE v.embedding_id = e.id)
            """);
        delete.Parameters.AddWithValue("kb", knowledgeBaseId);
        delete.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = locked.ToArray() });
        await delete.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Stores each distinct vector once per generation and maps every chunk to its vector; idempotent,
    /// so a step that runs twice leaves one mapping per chunk and generation. The mapping statement
    /// locks the embeddings it maps to (FOR KEY SHARE); an embedding that removal deleted meanwhile is
    /// missing from it, and the next round inserts it again.
    /// </summary>
    internal static async Task WriteAsync(PortalDbContext db, VectorGeneration generation, Guid tenantId,
        long[] chunkIds, float[][] vectors, CancellationToken ct)
    {
        var hashes = vectors.Select(v => HalfVectorHash.Of(v)).ToArray();
        var distinct = Enumerable.Range(0, vectors.Length).DistinctBy(i => Convert.ToHexString(hashes[i])).ToArray();
        for (var round = 1; ; round++)
        {
            await using (var insert = SearchSql.Command(db, """
                INSERT INTO search_embeddings (generation_id, tenant_id, knowledge_base_id, dims, vector_hash, embedding)
                SELECT @generation, @tenant, @kb, @dims, x.hash, @embeddings[(x.n - 1) * @dims + 1 : x.n * @dims]::halfvec
                FROM unnest(@hashes) WITH ORDINALITY AS x(hash, n)
                ON CONFLICT (knowledge_base_id, generation_id, vector_hash) DO NOTHING
                """))
            {
                AddCommon(insert);
                insert.Parameters.Add(new NpgsqlParameter("hashes", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = distinct.Select(i => hashes[i]).ToArray() });
                // The vectors go in binary as one real[] (vector n is elements (n-1)·dims+1 … n·dims), not as text
                // literals that this side formats and the database parses back.
                var flat = new float[distinct.Length * generation.Dims];
                for (var k = 0; k < distinct.Length; k++)
                {
                    var vector = vectors[distinct[k]];
                    if (vector.Length != generation.Dims)
                        throw new InvalidOperationException($"The embedder returned {vector.Length} dimensions; generation {generation.Id} has {generation.Dims}.");
                    vector.CopyTo(flat.AsSpan(k * generation.Dims, generation.Dims));
                }
                insert.Parameters.Add(new NpgsqlParameter("embeddings", NpgsqlDbType.Array | NpgsqlDbType.Real) { Value = flat });
                await insert.ExecuteNonQueryAsync(ct);
            }
            await using var map = SearchSql.Command(db, """
                INSERT INTO search_vectors (generation_id, chunk_id, tenant_id, knowledge_base_id, embedding_id)
                SELECT @generation, x.chunk_id, @tenant, @kb, e.id
                FROM unnest(@chunk_ids, @hashes) AS x(chunk_id, hash)
                JOIN (SELECT id, vector_hash FROM search_embeddings
                      WHERE knowledge_base_id = @kb AND generation_id = @generation AND vector_hash = ANY(@hashes) FOR KEY SHARE) e ON e.vector_hash = x.hash
                ON CONFLICT (generation_id, chunk_id) DO UPDATE SET embedding_id = excluded.embedding_id
                """);
            AddCommon(map);
            map.Parameters.Add(new NpgsqlParameter("chunk_ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = chunkIds });
            map.Parameters.Add(new NpgsqlParameter("hashes", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = hashes });
            if (await map.ExecuteNonQueryAsync(ct) == chunkIds.Length) return;
            if (round == 3) throw new InvalidOperationException($"Vectors of generation {generation.Id} were removed while they were being written three times in a row.");
        }

        void AddCommon(NpgsqlCommand cmd)
        {
            cmd.Parameters.AddWithValue("generation", generation.Id);
            cmd.Parameters.AddWithValue("tenant", tenantId);
            cmd.Parameters.AddWithValue("kb", generation.KnowledgeBaseId);
            cmd.Parameters.AddWithValue("dims", generation.Dims);
        }
    }
}
