using System.Text.Json;

namespace Portal.Documents;

public sealed class Document
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid KnowledgeBaseId { get; set; }
    public required string Name { get; set; }
    public required string Format { get; set; }
    public long SizeBytes { get; set; }
    public required string ContentHash { get; set; }
    public required string BlobKey { get; set; }
    public DocumentStatus Status { get; set; } = DocumentStatus.Queued;
    public string? Error { get; set; }
    public string? ErrorReason { get; set; }
    public int? ActiveVersion { get; set; }
    public int BuildingVersion { get; set; } = 1;
    public int? PageCount { get; set; }
    public int? ChunkCount { get; set; }
    public int Attempts { get; set; }
    public JsonDocument Timings { get; set; } = JsonDocument.Parse("{}");
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

public enum DocumentStatus { Queued, Parsing, Chunking, Indexing, Indexed, Failed }
