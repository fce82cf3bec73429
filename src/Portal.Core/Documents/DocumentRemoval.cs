using Microsoft.Extensions.Logging;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Documents;
using Portal.Documents.Blobs;

namespace Portal.Documents;

/// <summary>
/// Removes a document with everything derived from it: index entries (through every chunk indexer),
/// chunks, the row, and the blob once no other document of the tenant points at it. Runs inside the
/// caller's tenant transaction; the blob goes after the commit so a rollback never loses bytes.
/// </summary>
internal sealed partial class DocumentRemoval(PortalDbContext db, IEnumerable<IChunkIndexer> indexers, IBlobStore blobs,
    ILogger<DocumentRemoval> logger)
{
    public async Task RemoveAsync(Guid documentId, CancellationToken ct)
    {
        // Locks the row: an ingestion run switching versions at the same moment waits, then finds nothing.
        var document = await db.Documents.FromSql($"SELECT * FROM documents WHERE id = {documentId} FOR UPDATE")
            .AsNoTracking().SingleOrDefaultAsync(ct) ?? throw PortalException.NotFound("The document");
        var chunkIds = await db.Chunks.Where(c => c.DocumentId == documentId).Select(c => c.Id).ToListAsync(ct);
        if (chunkIds.Count > 0)
            foreach (var indexer in indexers)
                await indexer.RemoveAsync(db, document.KnowledgeBaseId, chunkIds, ct);
        await db.Chunks.Where(c => c.DocumentId == documentId).ExecuteDeleteAsync(ct);
        // The curated document is its pairs' index: without it they could be listed but never found, so they go too.
        if (document.Format == Portal.Curation.QaIndexing.DocumentFormat)
            await db.QaPairs.Where(q => q.KnowledgeBaseId == document.KnowledgeBaseId).ExecuteDeleteAsync(ct);
        await db.Documents.Where(d => d.Id == documentId).ExecuteDeleteAsync(ct);
        if (!await db.Documents.AnyAsync(d => d.BlobKey == document.BlobKey, ct))
            _pendingBlobDeletes.Add((document.TenantId, document.BlobKey));
    }

    private readonly List<(Guid TenantId, string Key)> _pendingBlobDeletes = [];

    /// <summary>Deletes the blobs that removals left unreferenced; call after the transaction committed.</summary>
    public async Task DeletePendingBlobsAsync(CancellationToken ct)
    {
        foreach (var (tenantId, key) in _pendingBlobDeletes)
        {
            // Another upload of the same bytes may have arrived since the commit; the key lock orders the two.
            // The delete has committed: a blob that cannot go now is left to the orphan sweep, never a failed request.
            try { await DeleteUnlessReferencedAsync(tenantId, key, ct); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or Npgsql.NpgsqlException)
            {
                LogBlobLeft(e, key);
            }
        }
        _pendingBlobDeletes.Clear();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Blob {Key} outlived its document; the orphan sweep will remove it")]
    private partial void LogBlobLeft(Exception exception, string key);

    private async Task DeleteUnlessReferencedAsync(Guid tenantId, string key, CancellationToken ct)
    {
        await using var tx = await db.BeginTenantTransactionAsync(tenantId, ct);
        await BlobLocks.LockAsync(db, [key], ct);
        var referenced = await db.Documents.AnyAsync(d => d.BlobKey == key, ct);
        if (!referenced) await blobs.DeleteAsync(key, ct);
        await tx.CommitAsync(ct);
    }
}
