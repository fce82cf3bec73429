using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Chat.Generators;
using Portal.Data;
using Portal.Search;
using Portal.Tenancy;

namespace Portal.Chat;

/// <summary>
/// <see cref="IChatService"/>: three short tenant transactions around the generator, none held while
/// it streams. (1) load the conversation, its recent turns, the tenant's settings and generator;
/// then rewrite a follow-up (an HTTP call for an LLM, so outside); (2) look for a curated answer,
/// else retrieve; generate, streaming deltas; (3) store the question, the answer and, for a weak
/// answer, its review item together.
/// </summary>
internal sealed partial class ChatService(
    PortalDbContext db, TenantContext tenant, HybridSearch search, CuratedAnswers curated, GeneratorResolver generators,
    OpenAiCompatibleGenerator llm, ChatStore store, IOptions<ChatOptions> options, ILogger<ChatService> logger) : IChatService
{
    public async IAsyncEnumerable<ChatEvent> AskAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var o = options.Value;
        var message = request.Message?.Trim() ?? "";
        if (message.Length == 0) throw new PortalException("validation", "A message is required.");
        if (message.Length > o.MaxMessageLength) throw new PortalException("validation", $"A message has at most {o.MaxMessageLength} characters.");
        var tenantId = tenant.RequiredTenantId;

        ChatContext context;
        await using (var tx = await db.BeginTenantTransactionAsync(tenantId, ct))
        {
            context = await store.LoadContextAsync(request, ct);
            await tx.CommitAsync(ct);
        }
        var generator = context.Generator;
        var searchQuery = message;
        int promptTokens = 0, completionTokens = 0;
        if (context.PreviousQuery is not null)
        {
            if (generator.Kind == GeneratorKinds.OpenAi)
                (searchQuery, promptTokens, completionTokens) = await llm.RewriteAsync(generator, context.History, message, ct);
            else
                searchQuery = QueryRewriter.Rewrite(message, context.PreviousQuery, context.PreviousAnswer);
        }

        CuratedAnswers.Match? match;
        IReadOnlyList<SearchHit> hits = [];
        Dictionary<long, Guid> qaPairs = [];
        await using (var tx = await db.BeginTenantTransactionAsync(tenantId, ct))
        {
            var kbs = context.KnowledgeBaseIds.Length == 0 ? null : context.KnowledgeBaseIds;
            match = await curated.FindAsync(searchQuery, kbs, context.Settings.CuratedThreshold, ct);
            if (match is null)
            {
                hits = await search.SearchAsync(new SearchQuery(searchQuery) { KnowledgeBaseIds = kbs, TopK = o.RetrievalTopK + 4 }, ct);
                (hits, qaPairs) = await store.WithoutFlaggedAsync(hits, o.RetrievalTopK, ct);
            }
            await tx.CommitAsync(ct);
        }

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
            var generation = new GenerationRequest(message, searchQuery, hits, context.History, generator, context.Settings);
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
            (confidence, unknown, generatorName) = (completed.Confidence, completed.Unknown, generator.Name);
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

    private static string Snippet(string text) => text.Length <= 300 ? text : text[..300] + "…";

    [LoggerMessage(Level = LogLevel.Information, Message = "Answered in {ConversationId} with {Generator}: confidence {Confidence}, flagged {Flagged}, {ElapsedMs} ms")]
    private partial void LogAnswered(Guid conversationId, string generator, double confidence, bool flagged, int elapsedMs);
}
