using System.Security.Claims;
using Portal.Data;
using Portal.Tenancy;
using Portal.Web.Auth;

namespace Portal.Web.Components.Tenancy;

/// <summary>
/// The signed-in person and the tenant a page acts for, resolved once per request and shared by the
/// layout and the page. The tenant is the one in the <c>portal.tenant</c> cookie when the person is
/// still a member of it, else their first active tenant: unlike the API, a page can show which tenant
/// it chose and offer the switcher. <see cref="RunAsync{T}"/> runs tenant work in the tenant's
/// row-level-security transaction.
/// </summary>
internal sealed class TenantPageScope(
    IHttpContextAccessor httpAccessor, TenantDirectory directory, TenantContext tenant, PortalDbContext db)
{
    private Task? _resolved;

    public Guid UserId { get; private set; }
    public string Email { get; private set; } = "";
    public IReadOnlyList<UserTenant> Tenants { get; private set; } = [];
    public UserTenant? Current { get; private set; }
    public int PendingInvitations { get; private set; }

    public bool CanManage => Current?.Role.CanManageMembers() == true;

    public Task ResolveAsync() => _resolved ??= ResolveCoreAsync();

    public Task RunAsync(Func<CancellationToken, Task> operation) =>
        RunAsync(async ct => { await operation(ct); return true; });

    /// <summary>Runs <paramref name="operation"/> in the current tenant's transaction and commits it; an exception rolls it back.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation)
    {
        await ResolveAsync();
        var current = Current ?? throw PortalException.Forbidden("You are not a member of any active tenant.");
        var ct = Http.RequestAborted;
        await using var tx = await db.BeginTenantTransactionAsync(current.TenantId, ct);
        var result = await operation(ct);
        await tx.CommitAsync(ct);
        return result;
    }

    private HttpContext Http => httpAccessor.HttpContext ?? throw new InvalidOperationException("Pages run inside an HTTP request.");

    private async Task ResolveCoreAsync()
    {
        var http = Http;
        if (!Guid.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)) return;
        UserId = userId;
        Email = http.User.FindFirstValue(ClaimTypes.Email) ?? http.User.Identity?.Name ?? "";
        var ct = http.RequestAborted;
        Tenants = (await directory.TenantsOfAsync(userId, ct)).Where(t => t.Status == TenantStatus.Active)
            .OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ThenBy(t => t.TenantId).ToList();
        Current = TenantChoice.ForPage(Tenants,
            http.Request.Cookies.TryGetValue(CurrentTenantCookie.Name, out var cookie) && Guid.TryParse(cookie, out var chosen) ? chosen : null);
        if (Current is { } current && tenant.TenantId is null) tenant.Set(current.TenantId, current.Role, userId.ToString());
        if (Email.Length > 0) PendingInvitations = (await directory.InvitationsForAsync(Email, ct)).Count;
    }
}
