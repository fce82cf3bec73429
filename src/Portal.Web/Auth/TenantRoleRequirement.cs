using Microsoft.AspNetCore.Authorization;
using Portal.Tenancy;

namespace Portal.Web.Auth;

/// <summary>The caller acts for a tenant with at least <see cref="Minimum"/> (Owner ≥ Admin ≥ Editor ≥ Viewer).</summary>
internal sealed record TenantRoleRequirement(TenantRole Minimum) : IAuthorizationRequirement
{
    // TenantRole is ordered from most to least privileged.
    public bool IsMetBy(TenantRole role) => role <= Minimum;
}
