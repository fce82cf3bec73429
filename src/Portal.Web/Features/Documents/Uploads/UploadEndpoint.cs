using Portal.Documents.Uploads;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Data;
using Portal.Documents;
using Portal.Tenancy;
using Portal.Web.Auth;
using Portal.Documents.Blobs;
using Portal.Documents.Ingestion;
using Portal.Web.Features.KnowledgeBases;
using Portal.KnowledgeBases;

namespace Portal.Web.Features.Documents.Uploads;

/// <summary>
/// <c>POST /api/v1/knowledge-bases/{kbId}/documents</c>: one or more files as multipart/form-data.
/// The whole batch is refused (413/415) if any file is too large or of an unsupported type; otherwise
/// each file becomes a Queued document (or is reported as a duplicate) in one transaction, and the
/// documents are ingested in the background.
/// </summary>
internal static class UploadEndpoint
{
    public static RouteHandlerBuilder MapUpload(this RouteGroupBuilder group)
    {
        var services = ((IEndpointRouteBuilder)group).ServiceProvider;
        var perFile = services.GetRequiredService<IOptions<IngestionLimits>>().Value.MaxFileBytes;
        var files = services.GetRequiredService<IOptions<UploadOptions>>().Value.MaxFilesPerRequest;
        return group.MapPost("/knowledge-bases/{kbId:guid}/documents", UploadAsync)
            .WithMetadata(new RequestSizeLimitAttribute(perFile * files + 1024 * 1024))
            .Accepts<IFormFileCollection>("multipart/form-data")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithDescription("Upload one or more files as multipart/form-data (any field name). Formats are detected from the bytes. "
                + "Files already in the knowledge base (same content) are reported with duplicateOf and not indexed again.");
    }

    private static async Task<Accepted<UploadResult>> UploadAsync(
        Guid kbId, HttpContext http, TenantContext tenant, PortalDbContext db, KnowledgeBaseService kbs, DocumentIntake intake,
        IngestionQueue queue, IOptions<IngestionLimits> limits, IOptions<UploadOptions> uploads, CancellationToken ct)
    {
        await TenantScope.ResolveAsync(http, tenant);
        kbs.RequireEditor();
        // Checked before the body is read, so a wrong id costs nothing; the transaction is not held while bytes arrive.
        await EnsureKnowledgeBaseAsync(db, tenant.RequiredTenantId, kbId, ct);
        using var staging = await UploadStaging.ReadAsync(http.Request, limits.Value.MaxFileBytes, uploads.Value.MaxFilesPerRequest, ct);

        var results = await intake.AddAsync(kbId, staging.Files, ct);
        if (results.Any(r => r.DuplicateOf is null)) await queue.NudgeAsync(ct);
        return TypedResults.Accepted((string?)null, new UploadResult(results));
    }

    private static async Task EnsureKnowledgeBaseAsync(PortalDbContext db, Guid tenantId, Guid kbId, CancellationToken ct)
    {
        await using var tx = await db.BeginTenantTransactionAsync(tenantId, ct);
        if (!await db.KnowledgeBases.AnyAsync(k => k.Id == kbId, ct)) throw PortalException.NotFound("The knowledge base");
        await tx.CommitAsync(ct);
    }
}
