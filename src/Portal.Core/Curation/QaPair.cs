namespace Portal.Curation;

public sealed class QaPair
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid KnowledgeBaseId { get; set; }
    public required string Question { get; set; }
    public required string Answer { get; set; }
    public QaSource Source { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum QaSource { Manual, Import, Correction }
