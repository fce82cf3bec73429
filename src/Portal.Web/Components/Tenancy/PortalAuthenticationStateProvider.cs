using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Identity;

namespace Portal.Web.Components.Tenancy;

/// <summary>
/// The circuit's authentication state, re-checked every <see cref="SessionRevalidationOptions.RevalidationInterval"/>: the
/// person's security stamp (a password change or sign-out everywhere ends the circuit's sign-in) and the
/// membership and role the <see cref="TenantSession"/> was built with (a removed member or a changed role loses
/// the page and reloads it, which asks the server again).
/// </summary>
internal sealed class PortalAuthenticationStateProvider(
    ILoggerFactory logs, IServiceScopeFactory scopes, TenantSession session, IOptions<SessionRevalidationOptions> revalidation, IOptions<IdentityOptions> identity)
    : RevalidatingServerAuthenticationStateProvider(logs)
{
    protected override TimeSpan RevalidationInterval => revalidation.Value.RevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        if (!Guid.TryParse(state.User.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)) return true;
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        if (await users.FindByIdAsync(userId.ToString()) is not { } user) return false;
        if (users.SupportsUserSecurityStamp
            && state.User.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType) is { } stamp
            && stamp != await users.GetSecurityStampAsync(user)) return false;
        return await session.IsStillValidAsync(ct);
    }
}

/// <summary>How often a circuit re-checks its person and tenant (<c>Web:Circuit:RevalidationInterval</c>).</summary>
internal sealed class SessionRevalidationOptions
{
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromMinutes(1);
}
