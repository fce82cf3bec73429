using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Chat;
using Portal.Review;
using Portal.Web.Auth;

namespace Portal.Web.Features.Review;

public sealed record FeedbackRequest(string? Rating, string? Comment, bool? Report);
public sealed record ReportRequest(string? Reason);

internal static class FeedbackEndpoints
{
    public static IEndpointRouteBuilder MapFeedbackEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/messages/{messageId:guid}").WithTags("Feedback").RequireAuthorization(PortalPolicies.TenantViewer)
            .AddEndpointFilter<TenantScope>();
        group.MapPost("/feedback", RateAsync);
        group.MapPost("/report", ReportAsync);
        return app;
    }

    private static async Task<NoContent> RateAsync(Guid messageId, FeedbackRequest request, FeedbackService feedback,
        HttpContext http, CancellationToken ct)
    {
        await feedback.RecordAsync(messageId, request.Rating, request.Comment, request.Report == true, ChannelOf(http), null, ct);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> ReportAsync(Guid messageId, ReportRequest? request, FeedbackService feedback,
        HttpContext http, CancellationToken ct)
    {
        await feedback.RecordAsync(messageId, null, request?.Reason, report: true, ChannelOf(http), null, ct);
        return TypedResults.NoContent();
    }

    // People rate from the portal (or its API with their token); programs rate with a secret key.
    private static ChatChannel ChannelOf(HttpContext http) =>
        http.User.HasClaim(c => c.Type == PortalClaims.ApiKeyId) ? ChatChannel.Api : ChatChannel.Portal;
}
