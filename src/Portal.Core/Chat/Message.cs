using System.Text.Json;

namespace Portal.Chat;

public sealed class Message
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid ConversationId { get; set; }
    public MessageRole Role { get; set; }
    public required string Content { get; set; }

    /// <summary>Questions: the stand-alone query used for retrieval after rewriting a follow-up.</summary>
    public string? SearchQuery { get; set; }

    /// <summary>Answers: <c>[{n, chunkId, documentId, documentName, page, snippet, qaPairId?}]</c>.</summary>
    public JsonDocument Citations { get; set; } = JsonDocument.Parse("[]");

    /// <summary>Answers: the retrieved chunks with each leg's rank and score.</summary>
    public JsonDocument Retrieval { get; set; } = JsonDocument.Parse("[]");

    public float? Confidence { get; set; }
    public string? Generator { get; set; }
    public AnswerOutcome? Outcome { get; set; }
    public int PromptTokens { get; set; }
    public int CompletionTokens { get; set; }
    public int? LatencyMs { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public enum MessageRole { User, Assistant }

public enum AnswerOutcome { Answered, Curated, Unknown }
