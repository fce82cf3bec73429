using System.Text.Json;
using Portal.Data;
using Portal.Tenancy;

namespace Portal.Auditing;

/// <summary>Adds audit entries to the current unit of work; they are saved with the change they describe.</summary>
public sealed class AuditLog(PortalDbContext db, TenantContext tenant)
{
    public void Record(string action, string? target, object? details = null) =>
        db.AuditLog.Add(new AuditEntry
        {
            TenantId = tenant.RequiredTenantId,
            Actor = tenant.Actor,
            Action = action,
            Target = target,
            Details = JsonSerializer.SerializeToDocument(details ?? new { }),
        });
}
