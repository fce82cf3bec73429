using Microsoft.AspNetCore.Identity;
using Portal.Data;
using Portal.Identity;

namespace Portal.Tenancy;

/// <summary>Creates a tenant with its first Owner, inside that tenant's own RLS transaction.</summary>
public sealed class TenantProvisioning(PortalDbContext db, TenantContext tenant, UserManager<PortalUser> users)
{
    public async Task<Tenant> CreateAsync(string? name, Guid ownerUserId, CancellationToken ct)
    {
        var created = NewTenant(name);
        tenant.Set(created.Id, TenantRole.Owner, ownerUserId.ToString());
        await using var tx = await db.BeginTenantTransactionAsync(created.Id, ct);
        await AddAsync(created, ownerUserId, ct);
        await tx.CommitAsync(ct);
        return created;
    }

    /// <summary>
    /// A new person with their own tenant, as one transaction: the person, the tenant and the membership all exist or
    /// none does, so a refused tenant name never leaves a person without a tenant (and their email taken).
    /// </summary>
    public async Task<(IdentityResult Result, Tenant? Tenant)> RegisterAsync(PortalUser user, string password, string? tenantName,
        CancellationToken ct)
    {
        var created = NewTenant(tenantName);
        tenant.Set(created.Id, TenantRole.Owner, user.Id.ToString());
        // Identity's store saves through this same context, so the person joins the tenant's transaction.
        await using var tx = await db.BeginTenantTransactionAsync(created.Id, ct);
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded) return (result, null);
        await AddAsync(created, user.Id, ct);
        await tx.CommitAsync(ct);
        return (result, created);
    }

    private static Tenant NewTenant(string? name)
    {
        name = Portal.Text.TextRules.CleanName(name);
        if (string.IsNullOrEmpty(name) || name.Length > 200)
            throw PortalException.Invalid("'tenantName' is required and must be 1 to 200 visible characters.");
        return new Tenant { Id = Guid.CreateVersion7(), Name = name };
    }

    private async Task AddAsync(Tenant created, Guid ownerUserId, CancellationToken ct)
    {
        db.Tenants.Add(created);
        db.Memberships.Add(new Membership { TenantId = created.Id, UserId = ownerUserId, Role = TenantRole.Owner });
        await db.SaveChangesAsync(ct);
    }
}
