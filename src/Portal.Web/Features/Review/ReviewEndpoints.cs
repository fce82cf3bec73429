using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Review;
using Portal.Web.Auth;

namespace Portal.Web.Features.Review;

public sealed record CorrectionRequest(string? Answer, Guid? KnowledgeBaseId);
public sealed record WrongChunkRequest(long? ChunkId);
public sealed record ReviewQueueResponse(IReadOnlyList<ReviewQueueItem> Items);

internal static class ReviewEndpoints
{
    public static IEndpointRouteBuilder MapReviewEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/review-queue").WithTags("Review").RequireAuthorization(PortalPolicies.TenantEditor).AddEndpointFilter<TenantScope>();
        group.MapGet("", ListAsync);
        group.MapPost("/{itemId:guid}/approve", async (Guid itemId, ReviewActions actions, ReviewQueue queue, CancellationToken ct) =>
        {
            await actions.ApproveAsync(itemId, ct);
            return await ItemAsync(itemId, queue, ct);
        });
        group.MapPost("/{itemId:guid}/dismiss", async (Guid itemId, ReviewActions actions, ReviewQueue queue, CancellationToken ct) =>
        {
            await actions.DismissAsync(itemId, ct);
            return await ItemAsync(itemId, queue, ct);
        });
        group.MapPost("/{itemId:guid}/correct", async (Guid itemId, CorrectionRequest request, ReviewActions actions, ReviewQueue queue, CancellationToken ct) =>
        {
            await actions.CorrectAsync(itemId, request.Answer, request.KnowledgeBaseId, ct);
            return await ItemAsync(itemId, queue, ct);
        });
        group.MapPost("/{itemId:guid}/wrong-chunk", async (Guid itemId, WrongChunkRequest request, ReviewActions actions, CancellationToken ct) =>
        {
            await actions.MarkWrongChunkAsync(itemId, request.ChunkId ?? throw PortalException.Invalid("'chunkId' is required."), ct);
            return TypedResults.NoContent();
        });
        return app;
    }

    private static async Task<Ok<ReviewQueueResponse>> ListAsync(string? reason, Guid? kbId, DateTimeOffset? from, DateTimeOffset? to,
        string? status, int? limit, ReviewQueue queue, CancellationToken ct)
    {
        var filter = new ReviewFilter(reason, kbId, from, to, ReviewQueue.ParseStatus(status), limit ?? 50);
        return TypedResults.Ok(new ReviewQueueResponse(await queue.ListAsync(filter, ct)));
    }

    private static async Task<Results<Ok<ReviewQueueItem>, NotFound>> ItemAsync(Guid itemId, ReviewQueue queue, CancellationToken ct) =>
        await queue.FindAsync(itemId, ct) is { } item ? TypedResults.Ok(item) : TypedResults.NotFound();
}
