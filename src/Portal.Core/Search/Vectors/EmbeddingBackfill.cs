using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Data;
using Portal.Search.Embeddings;
using Portal.Tenancy;

namespace Portal.Search;

/// <summary>
/// Embeds chunks that have no vector in their knowledge base's current generation: chunks indexed
/// before the embedding step existed, and every chunk when a knowledge base switches embedder (into
/// a building generation, activated when complete). Visits tenant by tenant through the narrow
/// <c>search_backfill_targets</c> lister; each batch runs in its own tenant transaction.
/// </summary>
internal sealed partial class EmbeddingBackfill(IServiceScopeFactory scopes, NpgsqlDataSource dataSource,
    EmbedderRegistry embedders, IOptions<SearchOptions> options, ILogger<EmbeddingBackfill> logger)
{
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var targets = new List<(Guid Tenant, Guid KnowledgeBase)>();
        await using (var cmd = dataSource.CreateCommand("SELECT tenant_id, knowledge_base_id FROM search_backfill_targets($1)"))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = embedders.Default.ModelId });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) targets.Add((reader.GetGuid(0), reader.GetGuid(1)));
        }
        var total = 0;
        foreach (var (tenant, kb) in targets)
        {
            var embedded = await BackfillAsync(tenant, kb, ct);
            LogBackfilled(kb, tenant, embedded);
            total += embedded;
        }
        return total;
    }

    private async Task<int> BackfillAsync(Guid tenantId, Guid knowledgeBaseId, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId, TenantRole.Editor, "system:embedding-backfill");
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            await using var tx = await db.BeginTenantTransactionAsync(tenantId, ct);
            var target = await TargetGenerationAsync(db, tenantId, knowledgeBaseId, ct);
            var batch = await MissingAsync(db, target, ct);
            if (batch.Count > 0)
            {
                var vectors = await embedders.Resolve(target.ModelId).EmbedAsync(batch.Select(b => b.Text).ToList(), ct);
                await VectorIndexer.WriteAsync(db, target, tenantId, batch.Select(b => b.Id).ToArray(), vectors, ct);
                total += batch.Count;
            }
            var done = batch.Count < options.Value.BackfillBatchSize;
            if (done && target.State == "building") await VectorGenerations.ActivateAsync(db, target, ct);
            await tx.CommitAsync(ct);
            if (done) return total;
        }
    }

    /// <summary>The generation of the embedder the knowledge base asks for: the active one, or a building one beside it.</summary>
    private async Task<VectorGeneration> TargetGenerationAsync(PortalDbContext db, Guid tenantId, Guid knowledgeBaseId, CancellationToken ct)
    {
        var kb = await db.KnowledgeBases.AsNoTracking().SingleAsync(k => k.Id == knowledgeBaseId, ct);
        var embedder = embedders.Resolve(RetrievalSettings.From(kb.Retrieval).Embedder);
        var live = await VectorGenerations.LiveAsync(db, [knowledgeBaseId], ct);
        return live.FirstOrDefault(g => g.ModelId == embedder.ModelId && g.Dims == embedder.Dimensions)
            ?? await VectorGenerations.CreateAsync(db, tenantId, knowledgeBaseId, embedder.ModelId, embedder.Dimensions, ct);
    }

    private async Task<List<(long Id, string Text)>> MissingAsync(PortalDbContext db, VectorGeneration generation, CancellationToken ct)
    {
        await using var cmd = SearchSql.Command(db, """
            SELECT c.id, c.text FROM chunks c
            JOIN documents d ON d.id = c.document_id AND d.active_version = c.document_version
            WHERE c.knowledge_base_id = @kb
              AND NOT EXISTS (SELECT 1 FROM search_vectors v WHERE v.generation_id = @generation AND v.chunk_id = c.id)
            ORDER BY c.id LIMIT @batch
            """);
        cmd.Parameters.AddWithValue("kb", generation.KnowledgeBaseId);
        cmd.Parameters.AddWithValue("generation", generation.Id);
        cmd.Parameters.AddWithValue("batch", options.Value.BackfillBatchSize);
        var rows = new List<(long, string)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add((reader.GetInt64(0), reader.GetString(1)));
        return rows;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedding backfill of {KnowledgeBaseId} for {TenantId}: {Chunks} chunks embedded")]
    private partial void LogBackfilled(Guid knowledgeBaseId, Guid tenantId, int chunks);
}
