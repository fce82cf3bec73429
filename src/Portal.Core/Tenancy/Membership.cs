namespace Portal.Tenancy;

public sealed class Membership
{
    public Guid TenantId { get; set; }
    public Guid UserId { get; set; }
    public TenantRole Role { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Ordered from most to least privileged.</summary>
public enum TenantRole { Owner, Admin, Editor, Viewer }

public static class TenantRoles
{
    public static bool CanManageMembers(this TenantRole role) => role is TenantRole.Owner or TenantRole.Admin;
    public static bool CanEdit(this TenantRole role) => role is TenantRole.Owner or TenantRole.Admin or TenantRole.Editor;
}
