namespace Portal.Tenancy;

public sealed class Tenant
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public TenantStatus Status { get; set; } = TenantStatus.Active;
    public DateTimeOffset CreatedAt { get; set; }
}

public enum TenantStatus { Active, Suspended }
