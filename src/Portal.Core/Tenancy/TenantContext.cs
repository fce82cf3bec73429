namespace Portal.Tenancy;

/// <summary>
/// The tenant the current operation acts for. Set once per request (from the API key or the
/// member's chosen tenant) or per job; read by the DbContext's query filters and by the
/// tenant transaction that sets <c>app.tenant_id</c> for row-level security.
/// </summary>
public sealed class TenantContext
{
    private Guid? _tenantId;

    public Guid? TenantId => _tenantId;
    public TenantRole? Role { get; private set; }

    /// <summary>Who acts: a user id, or <c>key:{id}</c> for an API key.</summary>
    public string Actor { get; private set; } = "system";

    public Guid RequiredTenantId => _tenantId ?? throw new InvalidOperationException("No tenant is set for this operation.");

    public void Set(Guid tenantId, TenantRole role, string actor)
    {
        if (_tenantId is { } current && current != tenantId)
            throw new InvalidOperationException("The tenant of an operation cannot change once set.");
        _tenantId = tenantId;
        Role = role;
        Actor = actor;
    }
}
