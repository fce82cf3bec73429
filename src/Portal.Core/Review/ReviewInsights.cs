using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Chat;
using Portal.Data;
using Portal.Tenancy;

namespace Portal.Review;

public sealed record DailyCount(DateOnly Day, int Count);
public sealed record TermCount(string Term, int Count);

public sealed record ReviewInsightsView(
    IReadOnlyList<DailyCount> QuestionsPerDay, int Answers, int Unanswered, int ThumbsUp, int ThumbsDown,
    int OpenItems, IReadOnlyList<TermCount> TopFlaggedTerms)
{
    public double? UnansweredRate => Answers == 0 ? null : (double)Unanswered / Answers;
    public double? ThumbsUpRatio => ThumbsUp + ThumbsDown == 0 ? null : (double)ThumbsUp / (ThumbsUp + ThumbsDown);
}

/// <summary>The figures on the review dashboard, over the last <see cref="Days"/> days (UTC).</summary>
public sealed partial class ReviewInsights(PortalDbContext db, TenantContext tenant, ReviewQueue queue)
{
    public const int Days = 14;

    // Words that say nothing about a topic; the list is short on purpose: it only cleans the top of the ranking.
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "the", "and", "for", "are", "but", "not", "you", "your", "can", "how", "what", "when", "where", "which", "who",
        "why", "does", "did", "with", "this", "that", "from", "have", "has", "was", "were", "will", "would", "should",
        "could", "there", "their", "they", "about", "into", "any", "our", "out", "all", "get", "use", "is", "do", "to",
        "der", "die", "das", "und", "ist", "wie", "les", "des", "est", "que", "qui", "por", "para", "los", "las",
    };

    public async Task<ReviewInsightsView> LoadAsync(DateTimeOffset now, CancellationToken ct)
    {
        ReviewQueue.RequireReviewer(tenant);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var since = new DateTimeOffset(today.AddDays(-(Days - 1)).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var recent = db.Messages.AsNoTracking().Where(m => m.CreatedAt >= since);
        var asked = await recent.Where(m => m.Role == MessageRole.User).Select(m => m.CreatedAt).ToListAsync(ct);
        var perDay = asked.GroupBy(t => DateOnly.FromDateTime(t.UtcDateTime)).ToDictionary(g => g.Key, g => g.Count());
        var series = Enumerable.Range(0, Days).Select(i => today.AddDays(i - (Days - 1)))
            .Select(d => new DailyCount(d, perDay.GetValueOrDefault(d))).ToList();
        var answers = await recent.CountAsync(m => m.Role == MessageRole.Assistant, ct);
        var unanswered = await recent.CountAsync(m => m.Role == MessageRole.Assistant && m.Outcome == AnswerOutcome.Unknown, ct);
        var ratings = await db.Feedback.AsNoTracking().Where(f => f.CreatedAt >= since && (f.Rating == "up" || f.Rating == "down"))
            .GroupBy(f => f.Rating).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var open = await db.ReviewItems.CountAsync(i => i.Status == ReviewStatus.Open, ct);

        var flaggedIds = await db.ReviewItems.AsNoTracking().Where(i => i.CreatedAt >= since)
            .OrderByDescending(i => i.CreatedAt).Take(500).Select(i => i.MessageId).ToListAsync(ct);
        var flaggedAnswers = await db.Messages.AsNoTracking().Where(m => flaggedIds.Contains(m.Id)).ToListAsync(ct);
        var questions = await queue.QuestionsForAsync(flaggedAnswers, ct);
        return new ReviewInsightsView(series, answers, unanswered, ratings.GetValueOrDefault("up"), ratings.GetValueOrDefault("down"),
            open, TopTerms(questions.Values, 8));
    }

    /// <summary>The most frequent words across questions, each counted once per question.</summary>
    public static IReadOnlyList<TermCount> TopTerms(IEnumerable<string> questions, int count) =>
        questions.SelectMany(q => Words().Matches(q.ToLowerInvariant()).Select(m => m.Value)
                .Where(w => w.Length >= 3 && !StopWords.Contains(w)).Distinct())
            .GroupBy(w => w).Select(g => new TermCount(g.Key, g.Count()))
            .OrderByDescending(t => t.Count).ThenBy(t => t.Term, StringComparer.Ordinal).Take(count).ToList();

    [GeneratedRegex(@"\p{L}[\p{L}\p{N}'-]*")]
    private static partial Regex Words();
}
