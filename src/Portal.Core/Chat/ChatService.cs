using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Billing;
using Portal.Chat.Generators;
using Portal.Data;
using Portal.Search;
using Portal.Tenancy;

namespace Portal.Chat;

/// <summary>
/// <see cref="IChatService"/>: short tenant transactions around the generator, none held while it
/// streams. (1) load the conversation, its recent turns, the tenant's settings and generator, rewrite
/// a follow-up and look for a curated answer, else retrieve (when an LLM rewrites, its HTTP call sits
/// between two transactions); generate, streaming deltas; (2) store the question, the answer and, for
/// a weak answer, its review item together.
/// </summary>
internal sealed partial class ChatService(
    PortalDbContext db, TenantContext tenant, HybridSearch search, CuratedAnswers curated, GeneratorResolver generators,
    OpenAiCompatibleGenerator llm, ChatStore store, Quotas quotas, IOptions<ChatOptions> options, ILogger<ChatService> logger) : IChatService
{
    public async IAsyncEnumerable<ChatEvent> AskAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var o = options.Value;
        var message = request.Message?.Trim() ?? "";
        if (message.Length == 0) throw new PortalException("validation", "A message is required.");
        if (message.Length > o.MaxMessageLength) throw new PortalException("validation", $"A message has at most {o.MaxMessageLength} characters.");
        var tenantId = tenant.RequiredTenantId;

        // One transaction loads the context and retrieves, unless a model must rewrite the question in
        // between: that HTTP call happens outside any transaction, and retrieval gets its own.
        ChatContext context;
        Retrieved? retrieved = null;
        var searchQuery = message;
        int promptTokens = 0, completionTokens = 0;
        await using (var tx = await db.BeginTenantTransactionAsync(tenantId, ct))
        {
            context = await store.LoadContextAsync(request, ct);
            // Widget questions are counted by the widget endpoint, against the plan's daily allowance.
            if (request.Channel != ChatChannel.Widget) await quotas.ConsumeQuestionAsync(ct);
            if (!NeedsModelRewrite(context))
            {
                searchQuery = QueryRewriter.Rewrite(message, context.PreviousQuery, context.PreviousAnswer);
                retrieved = await RetrieveAsync(searchQuery, context, ct);
            }
            await tx.CommitAsync(ct);
        }
        var generator = context.Generator;
        if (retrieved is null)
        {
            (searchQuery, promptTokens, completionTokens) = await llm.RewriteAsync(generator, context.History, message, ct);
            await using var tx = await db.BeginTenantTransactionAsync(tenantId, ct);
            retrieved = await RetrieveAsync(searchQuery, context, ct);
            await tx.CommitAsync(ct);
        }
        var (match, hits, qaPairs) = retrieved;

        var messageId = Guid.CreateVersion7();
        string answer;
        List<Citation> citations;
        double confidence;
        bool unknown;
        string generatorName;
        if (match is not null)
        {
            answer = match.Answer;
            citations = [new Citation(1, match.ChunkId, match.DocumentId, CuratedAnswers.DocumentName, null, Snippet(match.Question), match.QaPairId)];
            (confidence, unknown, generatorName) = (match.Score, false, "curated");
            yield return new ChatDelta(answer);
        }
        else
        {
            var generation = new GenerationRequest(message, searchQuery, hits, context.History, generator, context.Settings) { TenantId = tenantId };
            GenerationCompleted? completed = null;
            await foreach (var e in generators.For(generator).GenerateAsync(generation, ct))
            {
                if (e is GenerationDelta d) yield return new ChatDelta(d.Text);
                else if (e is GenerationCompleted c) completed = c;
            }
            if (completed is null) throw new InvalidOperationException("The generator ended without completing.");
            answer = completed.Text;
            citations = completed.CitedSources.Select(n =>
            {
                var hit = hits[n - 1];
                return new Citation(n, hit.ChunkId, hit.DocumentId, hit.DocumentName, hit.Page, Snippet(hit.Text), qaPairs.TryGetValue(hit.ChunkId, out var qa) ? qa : null);
            }).ToList();
            (confidence, unknown, generatorName) = (completed.Confidence, completed.Unknown, completed.Generator ?? generator.Name);
            promptTokens += completed.PromptTokens;
            completionTokens += completed.CompletionTokens;
        }
        yield return new ChatCitations(citations);

        confidence = Math.Round(Math.Clamp(confidence, 0, 1), 4);
        var flagged = match is null && (unknown || confidence < context.Settings.ConfidenceThreshold);
        var result = new ChatAnswer(answer, citations, context.ConversationId, messageId, confidence, generatorName, flagged);
        var latencyMs = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await using (var tx = await db.BeginTenantTransactionAsync(tenantId, ct))
        {
            await store.SaveAsync(request, context, message, searchQuery, hits, result,
                match is not null ? AnswerOutcome.Curated : unknown ? AnswerOutcome.Unknown : AnswerOutcome.Answered,
                promptTokens, completionTokens, latencyMs, ct);
            await tx.CommitAsync(ct);
        }
        LogAnswered(context.ConversationId, generatorName, confidence, flagged, latencyMs);
        yield return new ChatDone(result);
    }

    private sealed record Retrieved(CuratedAnswers.Match? Match, IReadOnlyList<SearchHit> Hits, Dictionary<long, Guid> QaPairs);

    private static bool NeedsModelRewrite(ChatContext context) =>
        context.PreviousQuery is not null && context.Generator.Kind == GeneratorKinds.OpenAi;

    /// <summary>A curated answer when one matches (only looked for when the scope has QA pairs), else the retrieved chunks.</summary>
    private async Task<Retrieved> RetrieveAsync(string searchQuery, ChatContext context, CancellationToken ct)
    {
        var o = options.Value;
        var kbs = context.KnowledgeBaseIds.Length == 0 ? null : context.KnowledgeBaseIds;
        if (await store.HasQaPairsAsync(kbs, ct)
            && await curated.FindAsync(searchQuery, kbs, context.Settings.CuratedThreshold, ct) is { } match)
            return new Retrieved(match, [], []);
        var hits = await search.SearchAsync(new SearchQuery(searchQuery) { KnowledgeBaseIds = kbs, TopK = o.RetrievalTopK + 4 }, ct);
        var (kept, qaPairs) = await store.WithoutFlaggedAsync(hits, o.RetrievalTopK, ct);
        return new Retrieved(null, kept, qaPairs);
    }

    private static string Snippet(string text) => text.Length <= 300 ? text : text[..300] + "…";

    [LoggerMessage(Level = LogLevel.Information, Message = "Answered in {ConversationId} with {Generator}: confidence {Confidence}, flagged {Flagged}, {ElapsedMs} ms")]
    private partial void LogAnswered(Guid conversationId, string generator, double confidence, bool flagged, int elapsedMs);
}
