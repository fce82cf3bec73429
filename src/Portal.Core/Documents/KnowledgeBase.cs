using System.Text.Json;

namespace Portal.Documents;

public sealed class KnowledgeBase
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }

    /// <summary>Serialised <c>ChunkingOptions</c>.</summary>
    public JsonDocument Chunking { get; set; } = JsonDocument.Parse("{}");

    /// <summary>Retrieval settings, owned by the search feature.</summary>
    public JsonDocument Retrieval { get; set; } = JsonDocument.Parse("{}");

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
