using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Identity;

/// <summary>
/// Platform operators: the people who run the deployment (its job dashboard), not members of any tenant. The grant is a
/// role claim on the person (<c>user_claims</c>), which no tenant role implies; it is checked against the database on
/// every use, so a revoke takes effect at the next request.
/// </summary>
internal sealed class PlatformOperators(PortalDbContext db, UserManager<PortalUser> users)
{
    public const string Role = "operator";

    public Task<bool> IsOperatorAsync(Guid userId, CancellationToken ct) =>
        db.UserClaims.AnyAsync(c => c.UserId == userId && c.ClaimType == ClaimTypes.Role && c.ClaimValue == Role, ct);

    /// <summary>Grants the role; false when no person has that email. Granting twice changes nothing.</summary>
    public async Task<bool> GrantAsync(string email, CancellationToken ct)
    {
        if (await users.FindByEmailAsync(email) is not { } user) return false;
        if (!await IsOperatorAsync(user.Id, ct)) Check(await users.AddClaimAsync(user, new Claim(ClaimTypes.Role, Role)));
        return true;
    }

    /// <summary>Revokes the role; false when no person has that email.</summary>
    public async Task<bool> RevokeAsync(string email, CancellationToken ct)
    {
        if (await users.FindByEmailAsync(email) is not { } user) return false;
        Check(await users.RemoveClaimAsync(user, new Claim(ClaimTypes.Role, Role)));
        // Signed-in sessions re-validate against the new security stamp.
        Check(await users.UpdateSecurityStampAsync(user));
        return true;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
