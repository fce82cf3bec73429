using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Chat.Generators;
using Portal.Data;
using Portal.Review;
using Portal.Search;
using Portal.Tenancy;

namespace Portal.Chat;

/// <summary>What a question needs from the database before retrieval.</summary>
internal sealed record ChatContext(
    Guid ConversationId,
    bool IsNew,
    Guid[] KnowledgeBaseIds,
    IReadOnlyList<ChatTurn> History,
    string? PreviousQuery,
    string? PreviousAnswer,
    ChatSettings Settings,
    ResolvedGenerator Generator);

/// <summary>The chat service's reads and writes; each method runs in the caller's tenant transaction.</summary>
internal sealed class ChatStore(PortalDbContext db, TenantContext tenant, GeneratorResolver generators, IOptions<ChatOptions> options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<ChatContext> LoadContextAsync(ChatRequest request, CancellationToken ct)
    {
        var requested = request.KnowledgeBaseIds?.Distinct().ToArray() ?? [];
        if (requested.Length > 0 && await db.KnowledgeBases.CountAsync(k => requested.Contains(k.Id), ct) != requested.Length)
            throw PortalException.NotFound("A knowledge base");

        Conversation? conversation = null;
        if (request.ConversationId is { } id)
        {
            conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
            // Someone else's conversation in the same tenant is as invisible as another tenant's.
            if (conversation is null || (conversation.UserId is { } u && u != request.UserId)
                || (conversation.ApiKeyId is { } k && k != request.ApiKeyId)
                || (conversation.VisitorId is { } v && v != request.VisitorId))
                throw PortalException.NotFound("The conversation");
        }
        var kbs = requested.Length > 0 ? requested : conversation?.KnowledgeBaseIds ?? [];

        List<ChatTurn> history = [];
        string? previousQuery = null, previousAnswer = null;
        if (conversation is not null && options.Value.HistoryMessages > 0)
        {
            var recent = await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversation.Id)
                .OrderByDescending(m => m.CreatedAt).Take(options.Value.HistoryMessages)
                .Select(m => new { m.Role, m.Content, m.SearchQuery }).ToListAsync(ct);
            recent.Reverse();
            history = recent.Select(m => new ChatTurn(m.Role, m.Content)).ToList();
            previousQuery = recent.LastOrDefault(m => m.Role == MessageRole.User)?.SearchQuery;
            previousAnswer = recent.LastOrDefault(m => m.Role == MessageRole.Assistant)?.Content;
        }
        var settings = ChatSettings.From((await db.TenantSettings.AsNoTracking().FirstOrDefaultAsync(ct))?.Chat, options.Value);
        var generator = await generators.ResolveAsync(kbs, ct);
        return new ChatContext(conversation?.Id ?? Guid.CreateVersion7(), conversation is null, kbs, history, previousQuery, previousAnswer, settings, generator);
    }

    public Task<bool> HasQaPairsAsync(Guid[]? knowledgeBaseIds, CancellationToken ct) =>
        db.QaPairs.AnyAsync(q => knowledgeBaseIds == null || knowledgeBaseIds.Contains(q.KnowledgeBaseId), ct);

    /// <summary>Drops chunks a reviewer flagged as wrong, keeps <paramref name="topK"/>, and maps QA chunks to their pairs.</summary>
    public async Task<(IReadOnlyList<SearchHit> Hits, Dictionary<long, Guid> QaPairs)> WithoutFlaggedAsync(
        IReadOnlyList<SearchHit> hits, int topK, CancellationToken ct)
    {
        var ids = hits.Select(h => h.ChunkId).ToArray();
        var flagged = (await db.ChunkFlags.AsNoTracking().Where(f => ids.Contains(f.ChunkId)).Select(f => f.ChunkId).ToListAsync(ct)).ToHashSet();
        var kept = hits.Where(h => !flagged.Contains(h.ChunkId)).Take(topK).ToList();
        var keptIds = kept.Select(h => h.ChunkId).ToArray();
        var qa = await db.Chunks.AsNoTracking().Where(c => keptIds.Contains(c.Id) && c.QaPairId != null)
            .ToDictionaryAsync(c => c.Id, c => c.QaPairId!.Value, ct);
        return (kept, qa);
    }

    public async Task SaveAsync(ChatRequest request, ChatContext context, string question, string searchQuery,
        IReadOnlyList<SearchHit> hits, ChatAnswer answer, AnswerOutcome outcome, int promptTokens, int completionTokens,
        int latencyMs, CancellationToken ct)
    {
        var tenantId = tenant.RequiredTenantId;
        var now = DateTimeOffset.UtcNow;
        if (context.IsNew)
            db.Conversations.Add(new Conversation
            {
                Id = context.ConversationId, TenantId = tenantId, Channel = request.Channel, UserId = request.UserId,
                ApiKeyId = request.ApiKeyId, VisitorId = request.VisitorId, KnowledgeBaseIds = context.KnowledgeBaseIds,
                CreatedAt = now, LastMessageAt = now,
            });
        else
            await db.Conversations.Where(c => c.Id == context.ConversationId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastMessageAt, now), ct);
        db.Messages.Add(new Message
        {
            Id = Guid.CreateVersion7(), TenantId = tenantId, ConversationId = context.ConversationId, Role = MessageRole.User,
            Content = question, SearchQuery = searchQuery, CreatedAt = now,
        });
        db.Messages.Add(new Message
        {
            Id = answer.MessageId, TenantId = tenantId, ConversationId = context.ConversationId, Role = MessageRole.Assistant,
            Content = answer.Answer, Outcome = outcome, Confidence = (float)answer.Confidence, Generator = answer.Generator,
            Citations = JsonSerializer.SerializeToDocument(answer.Citations, Json),
            Retrieval = JsonSerializer.SerializeToDocument(hits.Select(h => new
            {
                h.ChunkId, h.DocumentId, h.Score, h.VectorRank, h.KeywordRank, h.VectorScore, h.KeywordScore,
            }), Json),
            PromptTokens = promptTokens, CompletionTokens = completionTokens, LatencyMs = latencyMs,
            // A microsecond later than the question, so the pair always sorts question first.
            CreatedAt = now.AddTicks(10),
        });
        if (answer.Flagged)
            db.ReviewItems.Add(new ReviewItem
            {
                Id = Guid.CreateVersion7(), TenantId = tenantId, MessageId = answer.MessageId,
                KnowledgeBaseId = context.KnowledgeBaseIds.Length == 1 ? context.KnowledgeBaseIds[0] : null,
                Reasons = [outcome == AnswerOutcome.Unknown ? ReviewReasons.Unknown : ReviewReasons.LowConfidence],
            });
        await db.SaveChangesAsync(ct);
    }
}
