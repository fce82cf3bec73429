using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Chat;
using Portal.Data;
using Portal.Review;
using Portal.Search;
using Portal.Tenancy;

namespace Portal.IntegrationTests.Infrastructure;

/// <summary>
/// TEST DOUBLE for <see cref="IChatService"/>, registered only when the app has no chat service of
/// its own (the real one lives on the chat branch). It does what the review queue and the widget
/// depend on, for real: curated answers first (an exact question match), then hybrid retrieval; it
/// stores the question and the answer with citations and retrieval scores, and flags "I don't know"
/// answers. Its "generator" answers with the best chunk's text verbatim, which is also the hostile
/// case for rendering: whatever a document says reaches the answer unchanged.
/// </summary>
internal sealed class ChatServiceTestDouble(PortalDbContext db, TenantContext tenant, IServiceProvider services) : IChatService
{
    public const string UnknownAnswer = "I don't know the answer to that yet.";

    public async IAsyncEnumerable<ChatEvent> AskAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken ct)
    {
        var tenantId = tenant.RequiredTenantId;
        ChatAnswer answer;
        await using (var tx = await db.BeginTenantTransactionAsync(tenantId, ct))
        {
            var conversation = request.ConversationId is { } id
                ? await db.Conversations.SingleOrDefaultAsync(c => c.Id == id, ct) ?? throw PortalException.NotFound("The conversation")
                : NewConversation(request, tenantId);
            var (text, citations, retrieval, confidence, outcome) = await AnswerAsync(request, ct);
            var question = new Message { Id = Guid.CreateVersion7(), TenantId = tenantId, ConversationId = conversation.Id,
                Role = MessageRole.User, Content = request.Message, SearchQuery = request.Message };
            var reply = new Message { Id = Guid.CreateVersion7(), TenantId = tenantId, ConversationId = conversation.Id,
                Role = MessageRole.Assistant, Content = text, Confidence = (float)confidence, Outcome = outcome, Generator = "test-double",
                Citations = JsonSerializer.SerializeToDocument(citations, JsonSerializerOptions.Web),
                Retrieval = JsonSerializer.SerializeToDocument(retrieval, JsonSerializerOptions.Web) };
            db.Messages.AddRange(question, reply);
            conversation.LastMessageAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync(ct);
            var flagged = outcome == AnswerOutcome.Unknown;
            if (flagged)
                await ReviewFlags.FlagAsync(db, tenantId, reply.Id, conversation.KnowledgeBaseIds.FirstOrDefault() is var kb && kb != Guid.Empty ? kb : null,
                    ReviewReasons.Unknown, ct);
            await tx.CommitAsync(ct);
            answer = new ChatAnswer(text, citations, conversation.Id, reply.Id, confidence, "test-double", flagged);
        }
        var half = answer.Answer.Length / 2;
        yield return new ChatDelta(answer.Answer[..half]);
        yield return new ChatDelta(answer.Answer[half..]);
        yield return new ChatCitations(answer.Citations);
        yield return new ChatDone(answer);
    }

    private Conversation NewConversation(ChatRequest request, Guid tenantId)
    {
        var conversation = new Conversation { Id = Guid.CreateVersion7(), TenantId = tenantId, Channel = request.Channel,
            UserId = request.UserId, ApiKeyId = request.ApiKeyId, VisitorId = request.VisitorId,
            KnowledgeBaseIds = [.. request.KnowledgeBaseIds ?? []] };
        db.Conversations.Add(conversation);
        return conversation;
    }

    private async Task<(string, List<Citation>, object[], double, AnswerOutcome)> AnswerAsync(ChatRequest request, CancellationToken ct)
    {
        var asked = request.Message.Trim().ToLowerInvariant();
        var curated = await db.QaPairs.Where(q => q.Question.ToLower() == asked).OrderByDescending(q => q.CreatedAt).FirstOrDefaultAsync(ct);
        if (curated is not null)
        {
            var chunk = await db.Chunks.Where(c => c.QaPairId == curated.Id).Select(c => (long?)c.Id).FirstOrDefaultAsync(ct);
            List<Citation> cited = chunk is { } id ? [new Citation(1, id, null, "Curated answers", null, curated.Question, curated.Id)] : [];
            return (curated.Answer, cited, [], 1.0, AnswerOutcome.Curated);
        }
        // The vector leg always finds a nearest chunk; an answer needs at least one keyword match, else "I don't know".
        var hits = (await services.GetRequiredService<HybridSearch>().SearchAsync(new SearchQuery(request.Message) { TopK = 3 }, ct))
            .Where(h => h.KeywordRank is not null).ToList();
        if (hits.Count == 0) return (UnknownAnswer, [], [], 0.0, AnswerOutcome.Unknown);
        var top = hits[0];
        var retrieval = hits.Select(h => (object)new { chunkId = h.ChunkId, score = h.Score, vectorRank = h.VectorRank, keywordRank = h.KeywordRank }).ToArray();
        return ($"{top.Text} [1]", [new Citation(1, top.ChunkId, top.DocumentId, top.DocumentName, top.Page, top.Text[..Math.Min(200, top.Text.Length)])],
            retrieval, Math.Min(1.0, top.Score), AnswerOutcome.Answered);
    }
}
