using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Documents;
using Portal.Tenancy;

namespace Portal.TestSupport;

/// <summary>
/// Writes knowledge bases, documents and chunks straight into the database as the app role, inside
/// the tenant's transaction (uploads belong to the ingestion branch), then runs every registered
/// chunk indexer the way the pipeline's Indexing step does.
/// </summary>
public static class SearchCorpus
{
    public sealed record ChunkSpec(string Text, string Language = "en", int? Page = null, string[]? Headings = null, string SourceType = "text");

    public static async Task<Guid> CreateKnowledgeBaseAsync(PortalApp app, Guid tenantId, string retrievalJson = "{}")
    {
        var id = Guid.CreateVersion7();
        await InTenantAsync(app, tenantId, async (db, _) =>
        {
            db.KnowledgeBases.Add(new KnowledgeBase { Id = id, TenantId = tenantId, Name = "kb " + id.ToString("N")[^12..],
                Retrieval = System.Text.Json.JsonDocument.Parse(retrievalJson) });
            await db.SaveChangesAsync();
        });
        return id;
    }

    /// <summary>Adds one document (active version 1) with the given chunks and indexes them; returns the chunk ids in order.</summary>
    public static async Task<(Guid DocumentId, long[] ChunkIds)> AddDocumentAsync(PortalApp app, Guid tenantId, Guid kbId,
        string name, IReadOnlyList<ChunkSpec> chunks, bool index = true)
    {
        var documentId = Guid.CreateVersion7();
        long[] ids = [];
        await InTenantAsync(app, tenantId, async (db, services) =>
        {
            db.Documents.Add(new Document { Id = documentId, TenantId = tenantId, KnowledgeBaseId = kbId, Name = name, Format = "text",
                ContentHash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(documentId.ToByteArray())).ToLowerInvariant(),
                BlobKey = "test/" + documentId, Status = DocumentStatus.Indexed, ActiveVersion = 1, CreatedBy = "test" });
            var rows = chunks.Select((c, i) => new Chunk
            {
                TenantId = tenantId, KnowledgeBaseId = kbId, DocumentId = documentId, DocumentVersion = 1, ChunkIndex = i,
                Text = c.Text, CharStart = 0, CharEnd = c.Text.Length, Page = c.Page, EndPage = c.Page, HeadingPath = c.Headings ?? [],
                SourceName = name, SourceType = c.SourceType, Language = c.Language, TokenCount = c.Text.Length / 4 + 1,
                ContentHash = new string('0', 64),
            }).ToList();
            db.Chunks.AddRange(rows);
            await db.SaveChangesAsync();
            if (index)
                foreach (var indexer in services.GetServices<IChunkIndexer>())
                    await indexer.IndexAsync(db, kbId, rows, CancellationToken.None);
            ids = rows.Select(r => r.Id).ToArray();
        });
        return (documentId, ids);
    }

    public static async Task InTenantAsync(PortalApp app, Guid tenantId, Func<PortalDbContext, IServiceProvider, Task> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId, TenantRole.Owner, "test");
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using var tx = await db.BeginTenantTransactionAsync(tenantId, CancellationToken.None);
        await work(db, scope.ServiceProvider);
        await tx.CommitAsync();
    }

    public static async Task<IReadOnlyList<Portal.Search.SearchHit>> SearchAsync(PortalApp app, Guid tenantId, Portal.Search.SearchQuery query)
    {
        IReadOnlyList<Portal.Search.SearchHit> hits = [];
        await InTenantAsync(app, tenantId, async (_, services) =>
            hits = await services.GetRequiredService<Portal.Search.HybridSearch>().SearchAsync(query, CancellationToken.None));
        return hits;
    }
}
