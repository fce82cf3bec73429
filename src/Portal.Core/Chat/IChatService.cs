namespace Portal.Chat;

/// <summary>A question from any channel: the portal, the API or the widget.</summary>
public sealed record ChatRequest(
    string Message,
    Guid? ConversationId,
    IReadOnlyList<Guid>? KnowledgeBaseIds,
    ChatChannel Channel,
    Guid? UserId = null,
    Guid? ApiKeyId = null,
    string? VisitorId = null);

public sealed record Citation(int N, long ChunkId, Guid? DocumentId, string DocumentName, int? Page, string Snippet, Guid? QaPairId = null);

public sealed record ChatAnswer(
    string Answer,
    IReadOnlyList<Citation> Citations,
    Guid ConversationId,
    Guid MessageId,
    double Confidence,
    string Generator,
    bool Flagged);

/// <summary>What a streamed answer emits, in order: deltas, then the citations, then done.</summary>
public abstract record ChatEvent;
public sealed record ChatDelta(string Text) : ChatEvent;
public sealed record ChatCitations(IReadOnlyList<Citation> Citations) : ChatEvent;
public sealed record ChatDone(ChatAnswer Answer) : ChatEvent;

/// <summary>
/// Answers a question for the tenant in <see cref="Portal.Tenancy.TenantContext"/>: rewrites a follow-up,
/// prefers a curated answer, else retrieves and generates, stores both messages and flags weak answers
/// for review. The caller sets the tenant; the service opens its own short tenant transactions so no
/// transaction stays open while a generator streams.
/// </summary>
public interface IChatService
{
    IAsyncEnumerable<ChatEvent> AskAsync(ChatRequest request, CancellationToken ct);
}
