using System.Text.Json;

namespace Portal.Chat;

/// <summary>Which generator answers for a tenant (KnowledgeBaseId null) or one knowledge base.</summary>
public sealed class GeneratorConfig
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid? KnowledgeBaseId { get; set; }
    public required string Kind { get; set; }
    public string? BaseUrl { get; set; }
    public string? Model { get; set; }

    /// <summary>The provider key, protected with ASP.NET Core Data Protection. Never returned by the API.</summary>
    public string? SecretCiphertext { get; set; }

    public JsonDocument Settings { get; set; } = JsonDocument.Parse("{}");
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class TenantSettings
{
    public Guid TenantId { get; set; }
    public JsonDocument Chat { get; set; } = JsonDocument.Parse("{}");
    public JsonDocument Widget { get; set; } = JsonDocument.Parse("{}");
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class WidgetUsage
{
    public Guid TenantId { get; set; }
    public Guid ApiKeyId { get; set; }
    public DateOnly Day { get; set; }
    public int Requests { get; set; }
}
