using Npgsql;
using NpgsqlTypes;
using Portal.Data;

namespace Portal.Search;

internal sealed record VectorGeneration(long Id, Guid KnowledgeBaseId, string ModelId, int Dims, string State);

/// <summary>
/// Blue/green embedding spaces per knowledge base. Search reads the active generation only; a new
/// embedder fills a building generation beside it, and <see cref="ActivateAsync"/> swaps them in one
/// statement, so no query ever compares vectors of two models.
/// </summary>
internal static class VectorGenerations
{
    public static async Task<List<VectorGeneration>> LiveAsync(PortalDbContext db, IReadOnlyCollection<Guid> knowledgeBaseIds, CancellationToken ct)
    {
        await using var cmd = SearchSql.Command(db, """
            SELECT id, knowledge_base_id, model_id, dims, state FROM search_vector_generations
            WHERE knowledge_base_id = ANY(@kbs) AND state <> 'retired' ORDER BY id
            """);
        cmd.Parameters.Add(new NpgsqlParameter("kbs", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = knowledgeBaseIds.ToArray() });
        var list = new List<VectorGeneration>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new VectorGeneration(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4)));
        return list;
    }

    /// <summary>Creates a generation: active when the knowledge base has none yet (nothing to switch from), else building.</summary>
    public static async Task<VectorGeneration> CreateAsync(PortalDbContext db, Guid tenantId, Guid knowledgeBaseId, string modelId, int dims, CancellationToken ct)
    {
        await using var cmd = SearchSql.Command(db, """
            INSERT INTO search_vector_generations (tenant_id, knowledge_base_id, model_id, dims, state, activated_at)
            SELECT @tenant, @kb, @model, @dims, s.state, CASE WHEN s.state = 'active' THEN now() END
            FROM (SELECT CASE WHEN EXISTS (SELECT 1 FROM search_vector_generations
                                           WHERE knowledge_base_id = @kb AND state = 'active')
                              THEN 'building' ELSE 'active' END AS state) s
            RETURNING id, state
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("kb", knowledgeBaseId);
        cmd.Parameters.AddWithValue("model", modelId);
        cmd.Parameters.AddWithValue("dims", dims);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new VectorGeneration(reader.GetInt64(0), knowledgeBaseId, modelId, dims, reader.GetString(1));
    }

    /// <summary>Retires the active generation and activates the building one, atomically; then drops the retired vectors.</summary>
    public static async Task ActivateAsync(PortalDbContext db, VectorGeneration building, CancellationToken ct)
    {
        await using var cmd = SearchSql.Command(db, """
            -- Retire first, then activate, in two statements: the one-active-per-knowledge-base index is checked
            -- row by row, so a single UPDATE doing both fails whenever it reaches the new row before the old one.
            UPDATE search_vector_generations SET state = 'retired'
            WHERE knowledge_base_id = @kb AND state IN ('active', 'building') AND id <> @id;
            UPDATE search_vector_generations SET state = 'active', activated_at = now()
            WHERE knowledge_base_id = @kb AND id = @id AND state = 'building';
            DELETE FROM search_vectors v USING search_vector_generations g
            WHERE g.id = v.generation_id AND g.knowledge_base_id = @kb AND g.state = 'retired';
            DELETE FROM search_embeddings e USING search_vector_generations g
            WHERE e.knowledge_base_id = @kb AND g.id = e.generation_id AND g.knowledge_base_id = @kb AND g.state = 'retired';
            """);
        cmd.Parameters.AddWithValue("id", building.Id);
        cmd.Parameters.AddWithValue("kb", building.KnowledgeBaseId);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
