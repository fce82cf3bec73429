using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Portal.Identity;

namespace Portal.Web.Components.Layout;

/// <summary>
/// Choices a person makes once and finds again on any device: kept as Identity claims on their account, read and
/// written in a scope of their own (a circuit outlives any one DbContext).
/// </summary>
internal sealed class PersonPreferences(IServiceScopeFactory scopes)
{
    public const string DarkModeClaim = "portal:dark_mode";

    public async Task<bool> DarkModeAsync(Guid userId)
    {
        if (userId == Guid.Empty) return false;
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        return await users.FindByIdAsync(userId.ToString()) is { } user
            && (await users.GetClaimsAsync(user)).Any(c => c is { Type: DarkModeClaim, Value: "on" });
    }

    public async Task SetDarkModeAsync(Guid userId, bool dark)
    {
        if (userId == Guid.Empty) return;
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        if (await users.FindByIdAsync(userId.ToString()) is not { } user) return;
        var existing = (await users.GetClaimsAsync(user)).Where(c => c.Type == DarkModeClaim).ToList();
        if (existing.Count > 0) await users.RemoveClaimsAsync(user, existing);
        if (dark) await users.AddClaimAsync(user, new Claim(DarkModeClaim, "on"));
    }
}
