namespace Portal.Documents;

public sealed class Chunk
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid KnowledgeBaseId { get; set; }
    public Guid DocumentId { get; set; }
    public int DocumentVersion { get; set; }
    public int ChunkIndex { get; set; }
    public required string Text { get; set; }
    public int CharStart { get; set; }
    public int CharEnd { get; set; }
    public int? Page { get; set; }
    public int? EndPage { get; set; }
    public string[] HeadingPath { get; set; } = [];
    public required string SourceName { get; set; }
    public required string SourceType { get; set; }
    public required string Language { get; set; }
    public bool IsOcr { get; set; }
    public int TokenCount { get; set; }
    public required string ContentHash { get; set; }

    /// <summary>Set when the chunk is a curated question/answer pair.</summary>
    public Guid? QaPairId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
