using Microsoft.EntityFrameworkCore;
using Portal.Chat;
using Portal.Data;
using Portal.Tenancy;

namespace Portal.Review;

/// <summary>An anonymous widget visitor: they may only rate answers in their own conversations.</summary>
public sealed record WidgetVisitor(Guid ApiKeyId, string VisitorId);

/// <summary>
/// Thumbs up/down, comments and reports on answers, from the portal, the API and the widget.
/// A thumbs-down or a report puts the answer in the review queue.
/// </summary>
public sealed class FeedbackService(PortalDbContext db, TenantContext tenant)
{
    public const int MaxCommentLength = 4000;

    /// <summary>Records a rating and, when <paramref name="report"/> is set, a report. Runs in the caller's tenant transaction.</summary>
    public async Task RecordAsync(Guid messageId, string? rating, string? comment, bool report, ChatChannel channel,
        WidgetVisitor? visitor, CancellationToken ct)
    {
        if (rating is not (null or "up" or "down")) throw PortalException.Invalid("'rating' must be \"up\" or \"down\".");
        if (rating is null && !report) throw PortalException.Invalid("Give a 'rating' (\"up\" or \"down\") or 'report': true.");
        comment = Clean(comment);
        var answer = await FindAnswerAsync(messageId, visitor, ct);
        var givenBy = visitor is null ? tenant.Actor : "visitor:" + visitor.VisitorId;
        var channelName = channel.ToString().ToLowerInvariant();
        if (rating is not null) Add(answer.Id, rating, comment, channelName, givenBy);
        if (report) Add(answer.Id, "report", rating is null ? comment : null, channelName, givenBy);
        await db.SaveChangesAsync(ct);

        if (rating == "down" || report)
        {
            var kb = await ReviewFlags.KnowledgeBaseOfAsync(db, answer, ct);
            if (rating == "down") await ReviewFlags.FlagAsync(db, tenant.RequiredTenantId, answer.Id, kb, ReviewReasons.ThumbsDown, ct);
            if (report) await ReviewFlags.FlagAsync(db, tenant.RequiredTenantId, answer.Id, kb, ReviewReasons.Reported, ct);
        }
    }

    private void Add(Guid messageId, string rating, string? comment, string channel, string givenBy) =>
        db.Feedback.Add(new Feedback
        {
            Id = Guid.CreateVersion7(), TenantId = tenant.RequiredTenantId, MessageId = messageId,
            Rating = rating, Comment = comment, Channel = channel, GivenBy = givenBy,
        });

    private async Task<Message> FindAnswerAsync(Guid messageId, WidgetVisitor? visitor, CancellationToken ct)
    {
        var answers = db.Messages.Where(m => m.Id == messageId && m.Role == MessageRole.Assistant);
        if (visitor is not null)
            answers = answers.Where(m => db.Conversations.Any(c => c.Id == m.ConversationId && c.Channel == ChatChannel.Widget
                && c.ApiKeyId == visitor.ApiKeyId && c.VisitorId == visitor.VisitorId));
        return await answers.SingleOrDefaultAsync(ct) ?? throw PortalException.NotFound("The answer");
    }

    private static string? Clean(string? comment)
    {
        comment = comment?.Trim();
        if (string.IsNullOrEmpty(comment)) return null;
        return comment.Length <= MaxCommentLength ? comment
            : throw PortalException.Invalid($"'comment' must be at most {MaxCommentLength} characters.");
    }
}
