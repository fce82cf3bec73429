namespace Portal.Chat;

public sealed class Conversation
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public ChatChannel Channel { get; set; }
    public Guid? UserId { get; set; }
    public Guid? ApiKeyId { get; set; }
    public string? VisitorId { get; set; }
    public Guid[] KnowledgeBaseIds { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastMessageAt { get; set; }
}

public enum ChatChannel { Portal, Api, Widget }
