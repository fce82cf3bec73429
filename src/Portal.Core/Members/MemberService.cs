using Microsoft.EntityFrameworkCore;
using Portal.Auditing;
using Portal.Billing;
using Portal.Data;
using Portal.Tenancy;

namespace Portal.Members;

public sealed record MemberView(Guid UserId, string Email, string? DisplayName, string Role, DateTimeOffset JoinedAt);
public sealed record InvitationView(Guid Id, string Email, string Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);
public sealed record MembersPage(IReadOnlyList<MemberView> Members, IReadOnlyList<InvitationView> PendingInvitations);

/// <summary>Members and invitations of the current tenant. Only Owners and Admins change them.</summary>
public sealed class MemberService(PortalDbContext db, TenantContext tenant, AuditLog audit, Quotas quotas)
{
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(14);

    public async Task<MembersPage> ListAsync(CancellationToken ct)
    {
        var members = await (from m in db.Memberships.AsNoTracking()
                             join u in db.Users.AsNoTracking() on m.UserId equals u.Id
                             orderby m.Role, u.Email
                             select new { m.UserId, u.Email, u.DisplayName, m.Role, m.CreatedAt }).ToListAsync(ct);
        var invitations = await db.Invitations.AsNoTracking()
            .Where(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > DateTimeOffset.UtcNow)
            .OrderBy(i => i.CreatedAt).ToListAsync(ct);
        return new MembersPage(
            members.Select(m => new MemberView(m.UserId, m.Email ?? "", m.DisplayName, m.Role.ToString(), m.CreatedAt)).ToList(),
            invitations.Select(i => new InvitationView(i.Id, i.Email, i.Role.ToString(), i.CreatedAt, i.ExpiresAt)).ToList());
    }

    public async Task<InvitationView> InviteAsync(string? email, string? role, Guid invitedBy, CancellationToken ct)
    {
        var actorRole = RequireManager();
        email = email?.Trim();
        if (string.IsNullOrEmpty(email) || email.Length > 256 || !System.Net.Mail.MailAddress.TryCreate(email, out var address)
            || address.Address != email)
            throw PortalException.Invalid("'email' must be a valid email address.");
        var newRole = ParseRole(role ?? nameof(TenantRole.Viewer));
        RequireMayGrant(actorRole, newRole);

        var normalized = email.ToUpperInvariant();
        var alreadyMember = await (from m in db.Memberships join u in db.Users on m.UserId equals u.Id
                                   where u.NormalizedEmail == normalized select m).AnyAsync(ct);
        if (alreadyMember) throw PortalException.Conflict("already-member", $"{email} is already a member of this tenant.");
        if (await db.Invitations.AnyAsync(i => i.Email == email && i.AcceptedAt == null && i.RevokedAt == null, ct))
            throw PortalException.Conflict("already-invited", $"{email} already has a pending invitation.");
        // Pending invitations count as members: accepting one never goes over the plan.
        await quotas.EnsureCanAddAsync(QuotaResource.Members, 1, ct);

        var invitation = new Invitation
        {
            Id = Guid.CreateVersion7(),
            TenantId = tenant.RequiredTenantId,
            Email = email,
            Role = newRole,
            InvitedBy = invitedBy,
            ExpiresAt = DateTimeOffset.UtcNow + InvitationLifetime,
        };
        db.Invitations.Add(invitation);
        audit.Record("member.invited", email, new { role = newRole.ToString() });
        await db.SaveChangesAsync(ct);
        return new InvitationView(invitation.Id, email, newRole.ToString(), DateTimeOffset.UtcNow, invitation.ExpiresAt);
    }

    public async Task RevokeInvitationAsync(Guid invitationId, CancellationToken ct)
    {
        RequireManager();
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.Id == invitationId && i.AcceptedAt == null && i.RevokedAt == null, ct)
            ?? throw PortalException.NotFound("The invitation");
        invitation.RevokedAt = DateTimeOffset.UtcNow;
        audit.Record("member.invitation-revoked", invitation.Email);
        await db.SaveChangesAsync(ct);
    }

    public async Task<MemberView> ChangeRoleAsync(Guid userId, string? role, CancellationToken ct)
    {
        var actorRole = RequireManager();
        var newRole = ParseRole(role);
        var membership = await db.Memberships.SingleOrDefaultAsync(m => m.UserId == userId, ct)
            ?? throw PortalException.NotFound("The member");
        if (membership.Role == newRole) return await ViewAsync(membership, ct);
        RequireMayGrant(actorRole, newRole);
        RequireMayGrant(actorRole, membership.Role);
        if (membership.Role == TenantRole.Owner) await RequireAnotherOwnerAsync(userId, ct);

        audit.Record("member.role-changed", userId.ToString(), new { from = membership.Role.ToString(), to = newRole.ToString() });
        membership.Role = newRole;
        await db.SaveChangesAsync(ct);
        return await ViewAsync(membership, ct);
    }

    public async Task RemoveAsync(Guid userId, CancellationToken ct)
    {
        var actorRole = RequireManager();
        var membership = await db.Memberships.SingleOrDefaultAsync(m => m.UserId == userId, ct)
            ?? throw PortalException.NotFound("The member");
        RequireMayGrant(actorRole, membership.Role);
        if (membership.Role == TenantRole.Owner) await RequireAnotherOwnerAsync(userId, ct);
        db.Memberships.Remove(membership);
        audit.Record("member.removed", userId.ToString(), new { role = membership.Role.ToString() });
        await db.SaveChangesAsync(ct);
    }

    public static TenantRole ParseRole(string? role) =>
        Enum.TryParse<TenantRole>(role, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(role, out _)
            ? parsed
            : throw PortalException.Invalid("'role' must be one of Owner, Admin, Editor, Viewer.");

    private async Task RequireAnotherOwnerAsync(Guid leavingOwner, CancellationToken ct)
    {
        // Lock the owners so two concurrent demotions cannot both see "another owner".
        var owners = await db.Memberships
            .FromSql($"SELECT * FROM memberships WHERE role = 'Owner' FOR UPDATE")
            .Select(m => m.UserId).ToListAsync(ct);
        if (!owners.Any(o => o != leavingOwner))
            throw PortalException.Conflict("last-owner", "A tenant must keep at least one Owner. Make someone else Owner first.");
    }

    private TenantRole RequireManager() =>
        tenant.Role is { } role && role.CanManageMembers()
            ? role
            : throw PortalException.Forbidden("Only an Owner or Admin of the tenant can manage members.");

    private static void RequireMayGrant(TenantRole actor, TenantRole target)
    {
        if (target == TenantRole.Owner && actor != TenantRole.Owner)
            throw PortalException.Forbidden("Only an Owner can grant, change or remove the Owner role.");
    }

    private async Task<MemberView> ViewAsync(Membership m, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == m.UserId, ct);
        return new MemberView(m.UserId, user.Email ?? "", user.DisplayName, m.Role.ToString(), m.CreatedAt);
    }
}
