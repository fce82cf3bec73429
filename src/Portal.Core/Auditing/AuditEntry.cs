using System.Text.Json;

namespace Portal.Auditing;

public sealed class AuditEntry
{
    public long Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public string? Target { get; set; }
    public JsonDocument Details { get; set; } = JsonDocument.Parse("{}");
    public DateTimeOffset At { get; set; }
}
