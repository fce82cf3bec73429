using System.Security.Claims;
using Portal.Data;
using Portal.Tenancy;

namespace Portal.Web.Components.Tenancy;

/// <summary>
/// The signed-in person and the tenant their pages act for, built from the authentication state once per circuit
/// (and once per prerendered request), never from <c>HttpContext</c>. Work runs through <see cref="RunAsync{TService,T}"/>:
/// each operation gets its own service scope, so its own DbContext from the factory, inside the tenant's
/// row-level-security transaction. The revalidating authentication state provider re-checks the membership
/// periodically; switching tenants reloads the app, which builds a new session.
/// </summary>
internal sealed class TenantSession(TenantDirectory directory, TenantContext tenant, IServiceScopeFactory scopes)
{
    private Task? _initialized;

    public Guid UserId { get; private set; }
    public string Email { get; private set; } = "";
    public IReadOnlyList<UserTenant> Tenants { get; private set; } = [];
    public UserTenant? Current { get; private set; }
    public int PendingInvitations { get; private set; }

    public Guid? TenantId => Current?.TenantId;
    public bool CanEdit => Current?.Role.CanEdit() == true;
    public bool CanManage => Current?.Role.CanManageMembers() == true;
    public bool IsOwner => Current?.Role == TenantRole.Owner;

    public Task InitializeAsync(ClaimsPrincipal user, Guid? preferredTenant, CancellationToken ct = default) =>
        _initialized ??= InitializeCoreAsync(user, preferredTenant, ct);

    public Task RunAsync<TService>(Func<TService, CancellationToken, Task> operation, CancellationToken ct = default)
        where TService : notnull =>
        RunAsync<TService, bool>(async (service, token) => { await operation(service, token); return true; }, ct);

    public Task<T> RunAsync<TService, T>(Func<TService, CancellationToken, Task<T>> operation, CancellationToken ct = default)
        where TService : notnull =>
        RunAsync((services, token) => operation(services.GetRequiredService<TService>(), token), ct);

    /// <summary>
    /// Runs one operation in its own scope and tenant transaction, and commits it; an exception rolls it back.
    /// <paramref name="afterCommit"/> runs in the same scope once the transaction is committed (removing blobs).
    /// </summary>
    public async Task<T> RunAsync<T>(Func<IServiceProvider, CancellationToken, Task<T>> operation, CancellationToken ct = default,
        Func<IServiceProvider, CancellationToken, Task>? afterCommit = null)
    {
        var current = Current ?? throw PortalException.Forbidden("You are not a member of any active tenant.");
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(current.TenantId, current.Role, UserId.ToString());
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        T result;
        await using (var tx = await db.BeginTenantTransactionAsync(current.TenantId, ct))
        {
            result = await operation(scope.ServiceProvider, ct);
            await tx.CommitAsync(ct);
        }
        if (afterCommit is not null) await afterCommit(scope.ServiceProvider, ct);
        return result;
    }

    /// <summary>Whether the person still holds the tenant and role this session was built with.</summary>
    public async Task<bool> IsStillValidAsync(CancellationToken ct)
    {
        if (Current is not { } current) return true;
        var now = await directory.MembershipAsync(UserId, current.TenantId, ct);
        return now is { Status: TenantStatus.Active } && now.Role == current.Role;
    }

    private async Task InitializeCoreAsync(ClaimsPrincipal user, Guid? preferredTenant, CancellationToken ct)
    {
        if (!Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)) return;
        UserId = userId;
        Email = user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name ?? "";
        Tenants = (await directory.TenantsOfAsync(userId, ct)).Where(t => t.Status == TenantStatus.Active)
            .OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ThenBy(t => t.TenantId).ToList();
        Current = TenantChoice.ForPage(Tenants, preferredTenant);
        if (Current is { } chosen && tenant.TenantId is null) tenant.Set(chosen.TenantId, chosen.Role, userId.ToString());
        if (Email.Length > 0) PendingInvitations = (await directory.InvitationsForAsync(Email, ct)).Count;
    }
}
