using Microsoft.AspNetCore.Identity;
using Portal.Identity;

namespace Portal.Web.Components.Account;

/// <summary>
/// Spends the work of a real password check when the email is unknown, so the time a failed
/// sign-in takes does not reveal whether an account exists.
/// </summary>
internal sealed class SignInTimingDecoy(IPasswordHasher<PortalUser> hasher)
{
    private static readonly PortalUser Decoy = new() { UserName = "decoy" };
    private static string? s_decoyHash;

    public void Spend(string password)
    {
        var hash = LazyInitializer.EnsureInitialized(ref s_decoyHash, () => hasher.HashPassword(Decoy, Guid.NewGuid().ToString()));
        hasher.VerifyHashedPassword(Decoy, hash, password);
    }
}
