using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Billing;
using Portal.Data;
using Portal.Documents;
using Portal.Tenancy;
using Portal.Documents.Blobs;

namespace Portal.Documents.Uploads;

/// <summary>
/// Turns staged files into Queued documents of one knowledge base, in one tenant transaction: the blob, the
/// row and (through the row's status) the queue entry commit together. A file whose content the knowledge
/// base already holds is reported as a duplicate of that document and not stored again.
/// </summary>
internal sealed class DocumentIntake(PortalDbContext db, TenantContext tenant, IBlobStore blobs, Quotas quotas)
{
    public async Task<List<UploadedDocument>> AddAsync(Guid kbId, IReadOnlyList<StagedFile> files, CancellationToken ct)
    {
        var tenantId = tenant.RequiredTenantId;
        var results = new List<UploadedDocument>();
        await using (var tx = await db.BeginTenantTransactionAsync(tenantId, ct))
        {
            if (!await db.KnowledgeBases.AnyAsync(k => k.Id == kbId, ct)) throw PortalException.NotFound("The knowledge base");
            // Held until the commit: the orphan blob sweep never deletes a blob between its write and its row.
            await BlobLocks.LockAsync(db, files.Select(f => BlobKeys.For(tenantId, f.Sha256)), ct);
            // Holds the tenant's billing row until the commit: parallel uploads at the plan's last slot admit exactly one.
            var admission = await quotas.BeginDocumentAdmissionAsync(ct);
            foreach (var file in files)
            {
                var existing = await db.Documents.AsNoTracking()
                    .Where(d => d.KnowledgeBaseId == kbId && d.ContentHash == file.Sha256)
                    .Select(d => new { d.Id, d.Status }).SingleOrDefaultAsync(ct)
                    ?? db.Documents.Local.Where(d => d.KnowledgeBaseId == kbId && d.ContentHash == file.Sha256)
                        .Select(d => new { d.Id, d.Status }).SingleOrDefault();
                if (existing is not null)
                {
                    results.Add(new UploadedDocument(existing.Id, file.Name, existing.Status.ToString(), existing.Id));
                    continue;
                }
                admission.Admit(file.SizeBytes);
                var key = BlobKeys.For(tenantId, file.Sha256);
                // Content-addressed: putting bytes that are already stored is a no-op, and a rollback leaves at most an unreferenced blob.
                await using (var content = File.OpenRead(file.TempPath))
                    await blobs.PutAsync(key, content, ct);
                var document = new Document
                {
                    Id = Guid.CreateVersion7(), TenantId = tenantId, KnowledgeBaseId = kbId, Name = file.Name,
                    Format = file.Format.ToString().ToLowerInvariant(), SizeBytes = file.SizeBytes, ContentHash = file.Sha256,
                    BlobKey = key, Status = DocumentStatus.Queued, CreatedBy = tenant.Actor, CreatedAt = DateTimeOffset.UtcNow,
                };
                db.Documents.Add(document);
                results.Add(new UploadedDocument(document.Id, file.Name, document.Status.ToString(), null));
            }
            try { await db.SaveChangesAsync(ct); }
            catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                throw PortalException.Conflict("upload-race", "The same file is being uploaded to this knowledge base right now; retry to see it.");
            }
            await tx.CommitAsync(ct);
        }
        return results;
    }
}
