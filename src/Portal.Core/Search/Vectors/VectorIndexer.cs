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

    public async Task RemoveAsync(PortalDbContext db, Guid knowledgeBaseId, IReadOnlyCollection<long> chunkIds, CancellationToken ct)
    {
        if (chunkIds.Count == 0) return;
        await using var cmd = SearchSql.Command(db,
            "DELETE FROM search_vectors WHERE knowledge_base_id = @kb AND chunk_id = ANY(@ids)");
        cmd.Parameters.AddWithValue("kb", knowledgeBaseId);
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = chunkIds.ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Upserts vectors, so a step that runs twice leaves one vector per chunk and generation.</summary>
    internal static async Task WriteAsync(PortalDbContext db, VectorGeneration generation, Guid tenantId,
        long[] chunkIds, float[][] vectors, CancellationToken ct)
    {
        await using var cmd = SearchSql.Command(db, """
            INSERT INTO search_vectors (generation_id, chunk_id, tenant_id, knowledge_base_id, dims, embedding)
            SELECT @generation, v.chunk_id, @tenant, @kb, @dims, v.embedding::vector
            FROM unnest(@chunk_ids, @embeddings) AS v(chunk_id, embedding)
            ON CONFLICT (generation_id, chunk_id) DO UPDATE SET embedding = excluded.embedding
            """);
        cmd.Parameters.AddWithValue("generation", generation.Id);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("kb", generation.KnowledgeBaseId);
        cmd.Parameters.AddWithValue("dims", generation.Dims);
        cmd.Parameters.Add(new NpgsqlParameter("chunk_ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = chunkIds });
        cmd.Parameters.Add(new NpgsqlParameter("embeddings", NpgsqlDbType.Array | NpgsqlDbType.Text)
            { Value = vectors.Select(v => VectorText.Format(v)).ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
