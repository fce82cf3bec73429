using Portal.Billing;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Chat;
using Portal.Data;
using Portal.Review;
using Portal.Widget;

namespace Portal.Web.Features.Widget;

public sealed record WidgetConfigResponse(string Title, string WelcomeMessage, string Color, string Position, string? AvatarUrl,
    string Placeholder, bool PoweredBy);
public sealed record WidgetChatRequest(string? Message, Guid? ConversationId, bool? Stream);
public sealed record WidgetFeedbackRequest(Guid? MessageId, string? Rating, string? Comment);

/// <summary>The API the embeddable widget calls from tenants' sites, with a publishable key (see widget/README.md).</summary>
internal static partial class WidgetEndpoints
{
    public const int MaxMessageLength = 2000;

    public static IEndpointRouteBuilder MapWidgetEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(WidgetCors.ApiPrefix).WithTags("Widget").AllowAnonymous()
            .AddEndpointFilter<WidgetCaller.Filter>();
        group.MapGet("/config", ConfigAsync);
        group.MapPost("/chat", ChatAsync);
        group.MapPost("/feedback", FeedbackAsync);
        app.MapWidgetSettingsEndpoints();
        return app;
    }

    private static async Task<Ok<WidgetConfigResponse>> ConfigAsync(HttpContext http, PortalDbContext db, WidgetSettingsStore store, CancellationToken ct)
    {
        var caller = WidgetCaller.From(http);
        WidgetSettings settings;
        await using (var tx = await db.BeginTenantTransactionAsync(caller.Key.TenantId, ct))
            settings = await store.LoadAsync(ct);
        // The widget shows an avatar only from its own API's origin, so the path is made absolute here.
        var avatar = settings.AvatarUrl is { } path ? $"{http.Request.Scheme}://{http.Request.Host}{path}" : null;
        return TypedResults.Ok(new WidgetConfigResponse(settings.Title, settings.WelcomeMessage, settings.Color, settings.Position,
            avatar, settings.Placeholder, PoweredBy: true));
    }

    private static async Task<IResult> ChatAsync(WidgetChatRequest request, HttpContext http, PortalDbContext db, WidgetSettingsStore store,
        IOptionsMonitor<WidgetOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var caller = WidgetCaller.From(http);
        var message = request.Message?.Trim();
        if (string.IsNullOrEmpty(message) || message.Length > MaxMessageLength)
            return WidgetCaller.Problem(400, "validation", "The request is invalid", $"'message' is required and must be at most {MaxMessageLength} characters.");

        await using (var tx = await db.BeginTenantTransactionAsync(caller.Key.TenantId, ct))
        {
            // A visitor continues only their own conversation; anyone else's id is simply not found.
            if (request.ConversationId is { } id && !await db.Conversations.AnyAsync(c => c.Id == id && c.Channel == ChatChannel.Widget
                    && c.ApiKeyId == caller.Key.KeyId && c.VisitorId == caller.VisitorId, ct))
                return WidgetCaller.Problem(404, "not-found", "Not found", "The conversation was not found.");
            var quota = (await store.LoadAsync(ct)).DailyQuota ?? options.CurrentValue.DailyQuota;
            var now = clock.GetUtcNow();
            if (!await WidgetQuota.TryConsumeAsync(db, caller.Key.TenantId, caller.Key.KeyId, DateOnly.FromDateTime(now.UtcDateTime), quota, ct))
            {
                await tx.CommitAsync(ct);
                var wait = WidgetQuota.SecondsUntilReset(now);
                return WidgetCaller.TooMany(http, wait, "The widget's daily question quota is used up; it resets at midnight UTC.");
            }
            // The plan's daily allowance across the tenant's widgets; refused, the transaction rolls back the key's count too.
            if (!await http.RequestServices.GetRequiredService<Quotas>().TryConsumeWidgetQuestionAsync(ct))
                return WidgetCaller.TooMany(http, WidgetQuota.SecondsUntilReset(now),
                    "The widget's daily question allowance is used up; it resets at midnight UTC.");
            await tx.CommitAsync(ct);
        }

        if (http.RequestServices.GetService<IChatService>() is not { } chat)
            return WidgetCaller.Problem(503, "unavailable", "Chat is unavailable", "Answers are not available on this server yet.");
        var events = chat.AskAsync(new ChatRequest(message, request.ConversationId, null, ChatChannel.Widget,
            ApiKeyId: caller.Key.KeyId, VisitorId: caller.VisitorId), ct);
        // The first event is awaited here, so a refusal before any answer is still a plain ProblemDetails response.
        var stream = events.GetAsyncEnumerator(ct);
        if (!await stream.MoveNextAsync())
            return WidgetCaller.Problem(503, "unavailable", "Chat is unavailable", "No answer was produced.");
        return TypedResults.ServerSentEvents(ToSse(stream, http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Portal.Widget"), ct));
    }

    private static async Task<NoContent> FeedbackAsync(WidgetFeedbackRequest request, HttpContext http, PortalDbContext db,
        FeedbackService feedback, CancellationToken ct)
    {
        var caller = WidgetCaller.From(http);
        var messageId = request.MessageId ?? throw PortalException.Invalid("'messageId' is required.");
        await using var tx = await db.BeginTenantTransactionAsync(caller.Key.TenantId, ct);
        await feedback.RecordAsync(messageId, request.Rating ?? throw PortalException.Invalid("'rating' must be \"up\" or \"down\"."),
            request.Comment, report: false, ChatChannel.Widget, new WidgetVisitor(caller.Key.KeyId, caller.VisitorId), ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>Maps chat events onto the widget's SSE events; what the widget does not need (chunk ids, scores) stays on the server.</summary>
    private static async IAsyncEnumerable<SseItem<object>> ToSse(IAsyncEnumerator<ChatEvent> stream, ILogger logger,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await using var _ = stream;
        var more = true;
        while (more)
        {
            yield return ToSse(stream.Current);
            SseItem<object>? failure = null;
            try
            {
                more = await stream.MoveNextAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogStreamFailed(logger, e);
                failure = new SseItem<object>(new { title = "The answer failed", detail = e is PortalException p ? p.Message : null }, "error");
                more = false;
            }
            if (failure is { } f) yield return f;
        }
    }

    private static SseItem<object> ToSse(ChatEvent e) => e switch
    {
        ChatDelta d => new SseItem<object>(new { text = d.Text }, "delta"),
        ChatCitations c => new SseItem<object>(new { citations = c.Citations.Select(Public).ToList() }, "citations"),
        ChatDone d => new SseItem<object>(new
        {
            conversationId = d.Answer.ConversationId, messageId = d.Answer.MessageId, confidence = d.Answer.Confidence,
            flagged = d.Answer.Flagged, citations = d.Answer.Citations.Select(Public).ToList(),
        }, "done"),
        _ => throw new InvalidOperationException("Unknown chat event " + e.GetType().Name),
    };

    private static object Public(Citation c) => new { n = c.N, documentName = c.DocumentName, page = c.Page, snippet = c.Snippet };

    [LoggerMessage(Level = LogLevel.Warning, Message = "A widget answer failed while streaming")]
    private static partial void LogStreamFailed(ILogger logger, Exception exception);
}
