using Portal.Documents;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Tenancy;
using Portal.Web.Auth;
using Portal.Documents.Blobs;
using Portal.Web.Features.Documents.Uploads;
using Portal.Documents.Uploads;
using Portal.Web.Features.KnowledgeBases;
using Portal.KnowledgeBases;

namespace Portal.Web.Features.Documents;

internal static class DocumentEndpoints
{
    public static IEndpointRouteBuilder MapDocumentEndpoints(this IEndpointRouteBuilder app)
    {
        var scoped = app.MapGroup("/api/v1").WithTags("Documents").RequireAuthorization(PortalPolicies.TenantViewer)
            .AddEndpointFilter<TenantScope>();
        scoped.MapGet("/knowledge-bases/{kbId:guid}/documents", ListAsync);
        scoped.MapGet("/documents/{id:guid}", async Task<Ok<DocumentView>> (Guid id, PortalDbContext db, CancellationToken ct) =>
            TypedResults.Ok(DocumentView.From(await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct)
                ?? throw PortalException.NotFound("The document"))));
        scoped.MapGet("/documents/{id:guid}/chunks", ChunksAsync);
        scoped.MapGet("/documents/{id:guid}/content", ContentAsync);

        // These manage their own transaction: blobs are deleted only after the rows are gone for good.
        var unscoped = app.MapGroup("/api/v1").WithTags("Documents").RequireAuthorization(PortalPolicies.TenantEditor);
        unscoped.MapDelete("/documents/{id:guid}", DeleteAsync);
        unscoped.MapUpload();
        return app;
    }

    private static async Task<Ok<DocumentPage>> ListAsync(Guid kbId, int? skip, int? take, PortalDbContext db, CancellationToken ct)
    {
        var (s, t) = Paging(skip, take);
        if (!await db.KnowledgeBases.AnyAsync(k => k.Id == kbId, ct)) throw PortalException.NotFound("The knowledge base");
        var query = db.Documents.AsNoTracking().Where(d => d.KnowledgeBaseId == kbId);
        var items = await query.OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Id).Skip(s).Take(t).ToListAsync(ct);
        return TypedResults.Ok(new DocumentPage(items.Select(DocumentView.From).ToList(), await query.CountAsync(ct), s, t));
    }

    private static async Task<Ok<ChunkPage>> ChunksAsync(Guid id, int? skip, int? take, PortalDbContext db, CancellationToken ct)
    {
        var (s, t) = Paging(skip, take);
        var version = await db.Documents.Where(d => d.Id == id).Select(d => new { d.ActiveVersion }).SingleOrDefaultAsync(ct)
            ?? throw PortalException.NotFound("The document");
        var query = db.Chunks.AsNoTracking().Where(c => c.DocumentId == id && c.DocumentVersion == version.ActiveVersion);
        var items = await query.OrderBy(c => c.ChunkIndex).Skip(s).Take(t)
            .Select(c => new ChunkView(c.ChunkIndex, c.Text, c.Page, c.EndPage, c.HeadingPath, c.IsOcr, c.TokenCount, c.Language, c.CharStart, c.CharEnd))
            .ToListAsync(ct);
        return TypedResults.Ok(new ChunkPage(id, version.ActiveVersion, items, await query.CountAsync(ct), s, t));
    }

    private static async Task<Results<FileStreamHttpResult, NotFound>> ContentAsync(
        Guid id, PortalDbContext db, IBlobStore blobs, HttpContext http, CancellationToken ct)
    {
        var document = await db.Documents.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct) ?? throw PortalException.NotFound("The document");
        var stream = await blobs.OpenAsync(document.BlobKey, ct);
        if (stream is null) return TypedResults.NotFound();
        http.Response.Headers.XContentTypeOptions = "nosniff";
        // Never rendered inline: octet-stream plus attachment, with a name stripped of paths and control characters.
        return TypedResults.Stream(stream, "application/octet-stream", SafeFileName.For(document.Name));
    }

    private static async Task<NoContent> DeleteAsync(
        Guid id, HttpContext http, TenantContext tenant, PortalDbContext db, DocumentRemoval removal, KnowledgeBaseService kbs, CancellationToken ct)
    {
        await TenantScope.ResolveAsync(http, tenant);
        kbs.RequireEditor();
        await using (var tx = await db.BeginTenantTransactionAsync(tenant.RequiredTenantId, ct))
        {
            await removal.RemoveAsync(id, ct);
            await tx.CommitAsync(ct);
        }
        await removal.DeletePendingBlobsAsync(ct);
        return TypedResults.NoContent();
    }

    internal static (int Skip, int Take) Paging(int? skip, int? take)
    {
        if (skip is < 0) throw PortalException.Invalid("skip must be 0 or more.");
        if (take is < 1 or > 500) throw PortalException.Invalid("take must be between 1 and 500.");
        return (skip ?? 0, take ?? 50);
    }
}

internal static class SafeFileName
{
    public static string For(string name)
    {
        var clean = Portal.Text.TextRules.CleanName(
            new string(Path.GetFileName(name.Replace('\\', '/')).Where(c => !char.IsControl(c) && c is not ('"' or ';')).ToArray())) ?? "";
        return clean.Length == 0 ? "document" : clean[..Math.Min(clean.Length, 200)];
    }
}
