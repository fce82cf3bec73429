using Portal.Data;

namespace Portal.Tenancy;

/// <summary>Creates a tenant with its first Owner, inside that tenant's own RLS transaction.</summary>
public sealed class TenantProvisioning(PortalDbContext db, TenantContext tenant)
{
    public async Task<Tenant> CreateAsync(string? name, Guid ownerUserId, CancellationToken ct)
    {
        name = Portal.Text.TextRules.CleanName(name);
        if (string.IsNullOrEmpty(name) || name.Length > 200)
            throw PortalException.Invalid("'tenantName' is required and must be 1 to 200 visible characters.");
        var created = new Tenant { Id = Guid.CreateVersion7(), Name = name };
        tenant.Set(created.Id, TenantRole.Owner, ownerUserId.ToString());
        await using var tx = await db.BeginTenantTransactionAsync(created.Id, ct);
        db.Tenants.Add(created);
        db.Memberships.Add(new Membership { TenantId = created.Id, UserId = ownerUserId, Role = TenantRole.Owner });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return created;
    }
}
