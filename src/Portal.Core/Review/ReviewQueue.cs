using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Chat;
using Portal.Data;
using Portal.Tenancy;

namespace Portal.Review;

public sealed record ReviewFilter(string? Reason = null, Guid? KnowledgeBaseId = null, DateTimeOffset? From = null,
    DateTimeOffset? To = null, ReviewStatus Status = ReviewStatus.Open, int Limit = 50);

public sealed record FeedbackView(string Rating, string? Comment, string Channel, DateTimeOffset CreatedAt);

/// <summary>A flagged answer with what a reviewer needs: the question, the answer, its sources and how they ranked.</summary>
public sealed record ReviewQueueItem(
    Guid Id, Guid MessageId, Guid? KnowledgeBaseId, string[] Reasons, string Status,
    string Question, string Answer, JsonElement Citations, JsonElement Retrieval, float? Confidence, string? Outcome,
    IReadOnlyList<FeedbackView> Feedback, string? Correction, Guid? QaPairId,
    DateTimeOffset CreatedAt, string? ResolvedBy, DateTimeOffset? ResolvedAt);

/// <summary>Reads the review queue of the current tenant, inside its transaction. Editors and above only.</summary>
public sealed class ReviewQueue(PortalDbContext db, TenantContext tenant)
{
    public const int MaxLimit = 200;
    private static readonly string[] KnownReasons =
        [ReviewReasons.ThumbsDown, ReviewReasons.LowConfidence, ReviewReasons.Unknown, ReviewReasons.Reported];

    public static ReviewStatus ParseStatus(string? status) => status switch
    {
        null or "" or "open" => ReviewStatus.Open,
        "approved" => ReviewStatus.Approved,
        "corrected" => ReviewStatus.Corrected,
        "dismissed" => ReviewStatus.Dismissed,
        _ => throw PortalException.Invalid("'status' must be one of open, approved, corrected, dismissed."),
    };

    public async Task<IReadOnlyList<ReviewQueueItem>> ListAsync(ReviewFilter filter, CancellationToken ct)
    {
        RequireReviewer(tenant);
        if (filter.Reason is { Length: > 0 } r && !KnownReasons.Contains(r))
            throw PortalException.Invalid($"'reason' must be one of {string.Join(", ", KnownReasons)}.");
        var items = db.ReviewItems.AsNoTracking().Where(i => i.Status == filter.Status);
        if (filter.Reason is { Length: > 0 } reason) items = items.Where(i => i.Reasons.Contains(reason));
        if (filter.KnowledgeBaseId is { } kb) items = items.Where(i => i.KnowledgeBaseId == kb);
        if (filter.From is { } from) items = items.Where(i => i.CreatedAt >= from);
        if (filter.To is { } to) items = items.Where(i => i.CreatedAt < to);
        var page = await items.OrderByDescending(i => i.CreatedAt).ThenBy(i => i.Id)
            .Take(Math.Clamp(filter.Limit, 1, MaxLimit)).ToListAsync(ct);
        return await DescribeAsync(page, ct);
    }

    public async Task<ReviewQueueItem?> FindAsync(Guid itemId, CancellationToken ct)
    {
        RequireReviewer(tenant);
        var item = await db.ReviewItems.AsNoTracking().SingleOrDefaultAsync(i => i.Id == itemId, ct);
        return item is null ? null : (await DescribeAsync([item], ct))[0];
    }

    internal static void RequireReviewer(TenantContext tenant)
    {
        if (tenant.Role is not { } role || !role.CanEdit())
            throw PortalException.Forbidden("Only Owners, Admins and Editors review answers.");
    }

    private async Task<IReadOnlyList<ReviewQueueItem>> DescribeAsync(IReadOnlyList<ReviewItem> items, CancellationToken ct)
    {
        if (items.Count == 0) return [];
        var messageIds = items.Select(i => i.MessageId).ToList();
        var answers = await db.Messages.AsNoTracking().Where(m => messageIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, ct);
        var questions = await QuestionsForAsync(answers.Values, ct);
        var feedback = (await db.Feedback.AsNoTracking().Where(f => messageIds.Contains(f.MessageId))
                .OrderBy(f => f.CreatedAt).ToListAsync(ct))
            .ToLookup(f => f.MessageId, f => new FeedbackView(f.Rating, f.Comment, f.Channel, f.CreatedAt));
        return items.Select(i =>
        {
            var answer = answers[i.MessageId];
            return new ReviewQueueItem(i.Id, i.MessageId, i.KnowledgeBaseId, i.Reasons, i.Status.ToString().ToLowerInvariant(),
                questions.GetValueOrDefault(answer.Id, ""), answer.Content,
                answer.Citations.RootElement.Clone(), answer.Retrieval.RootElement.Clone(), answer.Confidence,
                answer.Outcome?.ToString().ToLowerInvariant(), feedback[i.MessageId].ToList(), i.Correction, i.QaPairId,
                i.CreatedAt, i.ResolvedBy, i.ResolvedAt);
        }).ToList();
    }

    /// <summary>Each answer's question: the last user message before it in its conversation.</summary>
    internal async Task<Dictionary<Guid, string>> QuestionsForAsync(IEnumerable<Message> answers, CancellationToken ct)
    {
        var list = answers.ToList();
        var conversationIds = list.Select(a => a.ConversationId).Distinct().ToList();
        var asked = (await db.Messages.AsNoTracking()
                .Where(m => conversationIds.Contains(m.ConversationId) && m.Role == MessageRole.User)
                .Select(m => new { m.ConversationId, m.Content, m.CreatedAt, m.Id }).ToListAsync(ct))
            .ToLookup(m => m.ConversationId);
        return list.ToDictionary(a => a.Id, a => asked[a.ConversationId]
            .Where(q => q.CreatedAt <= a.CreatedAt).OrderBy(q => q.CreatedAt).ThenBy(q => q.Id).LastOrDefault()?.Content ?? "");
    }
}
