using Portal.KnowledgeBases;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Data;
using Portal.Tenancy;
using Portal.Web.Auth;
using Portal.Web.Features.Documents;
using Portal.Documents;

namespace Portal.Web.Features.KnowledgeBases;

internal static class KnowledgeBaseEndpoints
{
    public static IEndpointRouteBuilder MapKnowledgeBaseEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/knowledge-bases").WithTags("Knowledge bases").RequireAuthorization(PortalPolicies.TenantViewer)
            .AddEndpointFilter<TenantScope>();
        group.MapGet("", async (KnowledgeBaseService kbs, CancellationToken ct) => TypedResults.Ok(await kbs.ListAsync(ct)));
        group.MapPost("", CreateAsync).RequireAuthorization(PortalPolicies.TenantEditor);
        group.MapPatch("/{kbId:guid}", async Task<Ok<KnowledgeBaseView>> (Guid kbId, UpdateKnowledgeBaseRequest request, KnowledgeBaseService kbs, CancellationToken ct) =>
            TypedResults.Ok(await kbs.UpdateAsync(kbId, request, ct))).RequireAuthorization(PortalPolicies.TenantEditor);
        // Deleting manages its own transaction: blobs are removed only after the rows are gone for good.
        app.MapDelete("/api/v1/knowledge-bases/{kbId:guid}", DeleteAsync).WithTags("Knowledge bases").RequireAuthorization(PortalPolicies.TenantEditor);
        return app;
    }

    private static async Task<NoContent> DeleteAsync(
        Guid kbId, HttpContext http, TenantContext tenant, PortalDbContext db, KnowledgeBaseService kbs, DocumentRemoval removal, CancellationToken ct)
    {
        await TenantScope.ResolveAsync(http, tenant);
        await using (var tx = await db.BeginTenantTransactionAsync(tenant.RequiredTenantId, ct))
        {
            await kbs.DeleteAsync(kbId, ct);
            await tx.CommitAsync(ct);
        }
        await removal.DeletePendingBlobsAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Created<KnowledgeBaseView>> CreateAsync(CreateKnowledgeBaseRequest request, KnowledgeBaseService kbs, CancellationToken ct)
    {
        var kb = await kbs.CreateAsync(request, ct);
        return TypedResults.Created($"/api/v1/knowledge-bases/{kb.Id}", kb);
    }
}
