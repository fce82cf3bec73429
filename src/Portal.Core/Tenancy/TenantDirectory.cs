using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Tenancy;

public sealed record UserTenant(Guid TenantId, string Name, TenantRole Role, TenantStatus Status);
public sealed record PendingInvitation(Guid InvitationId, Guid TenantId, string TenantName, string Role, DateTimeOffset ExpiresAt);

/// <summary>
/// The lookups that cross tenants by design: which tenants a person belongs to, which invitations
/// await them, and accepting one. Each goes through a SECURITY DEFINER function, because the app
/// role cannot read outside the tenant of its transaction.
/// </summary>
public sealed class TenantDirectory(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<IReadOnlyList<UserTenant>> TenantsOfAsync(Guid userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Database
            .SqlQuery<TenantRow>($"SELECT tenant_id AS \"TenantId\", tenant_name AS \"Name\", role AS \"Role\", status AS \"Status\" FROM user_tenants({userId})")
            .ToListAsync(ct);
        return rows.Select(r => new UserTenant(r.TenantId, r.Name, Enum.Parse<TenantRole>(r.Role),
            Enum.Parse<TenantStatus>(r.Status, true))).ToList();
    }

    public async Task<UserTenant?> MembershipAsync(Guid userId, Guid tenantId, CancellationToken ct) =>
        (await TenantsOfAsync(userId, ct)).FirstOrDefault(t => t.TenantId == tenantId && t.Status == TenantStatus.Active);

    public async Task<IReadOnlyList<PendingInvitation>> InvitationsForAsync(string email, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Database
            .SqlQuery<PendingInvitation>($"SELECT invitation_id AS \"InvitationId\", tenant_id AS \"TenantId\", tenant_name AS \"TenantName\", role AS \"Role\", expires_at AS \"ExpiresAt\" FROM pending_invitations({email})")
            .ToListAsync(ct);
    }

    /// <returns>The tenant joined, or null when the invitation is not this person's or no longer valid.</returns>
    public async Task<Guid?> AcceptAsync(Guid invitationId, Guid userId, string email, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Database
            .SqlQuery<Guid>($"SELECT tenant_id AS \"Value\" FROM accept_invitation({invitationId}, {userId}, {email})")
            .ToListAsync(ct);
        return rows is [var tenantId] ? tenantId : null;
    }

    private sealed class TenantRow
    {
        public Guid TenantId { get; set; }
        public string Name { get; set; } = "";
        public string Role { get; set; } = "";
        public string Status { get; set; } = "";
    }
}
