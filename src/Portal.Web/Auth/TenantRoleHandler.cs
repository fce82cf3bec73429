using Microsoft.AspNetCore.Authorization;
using Portal.Tenancy;
using Portal.Web.Components.Tenancy;

namespace Portal.Web.Auth;

/// <summary>
/// Checks a <see cref="TenantRoleRequirement"/>. Over HTTP (endpoints, and pages before they turn interactive) the
/// tenant comes from the API key, <c>X-Tenant-Id</c> or the person's tenant cookie, checked against their
/// memberships; inside a circuit it comes from the <see cref="TenantSession"/>. No tenant: the requirement fails.
/// </summary>
internal sealed class TenantRoleHandler(TenantContext tenant, TenantSession session) : AuthorizationHandler<TenantRoleRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, TenantRoleRequirement requirement)
    {
        TenantRole? role;
        if (context.Resource is HttpContext http)
        {
            var failure = await TenantScope.TryResolveAsync(http, tenant);
            if (failure is not null)
            {
                context.Fail(new AuthorizationFailureReason(this, failure));
                return;
            }
            role = tenant.Role;
        }
        else
        {
            role = session.Current?.Role;
        }
        if (role is { } actual && requirement.IsMetBy(actual)) context.Succeed(requirement);
        else context.Fail(new AuthorizationFailureReason(this, role is null
            ? "You are not a member of any active tenant."
            : $"This needs the {requirement.Minimum} role or better in the tenant; you are {role}."));
    }
}
