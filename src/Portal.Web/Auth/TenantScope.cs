using System.Security.Claims;
using Microsoft.AspNetCore.Components.Endpoints;
using Portal.Data;
using Portal.Tenancy;
using Portal.Web.Components.Tenancy;

namespace Portal.Web.Auth;

/// <summary>
/// Decides the tenant of a tenant-scoped request and runs the endpoint inside that tenant's
/// row-level-security transaction. API keys carry their tenant; a signed-in person names it in
/// <c>X-Tenant-Id</c> (optional when they belong to exactly one tenant) and must be a member.
/// The tenant policies resolve it first (<see cref="TenantRoleHandler"/>); this filter reuses their answer.
/// </summary>
internal sealed class TenantScope : IEndpointFilter
{
    public const string HeaderName = "X-Tenant-Id";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var tenant = http.RequestServices.GetRequiredService<TenantContext>();
        await ResolveAsync(http, tenant);
        var db = http.RequestServices.GetRequiredService<PortalDbContext>();
        await using var tx = await db.BeginTenantTransactionAsync(tenant.RequiredTenantId, http.RequestAborted);
        var result = await next(context);
        await tx.CommitAsync(http.RequestAborted);
        http.RequestServices.GetRequiredService<AfterCommit>().Run();
        return result;
    }

    public static async Task ResolveAsync(HttpContext http, TenantContext tenant)
    {
        if (await TryResolveAsync(http, tenant) is { } failure)
            throw failure.StartsWith("Sign in", StringComparison.Ordinal)
                ? new PortalException("unauthorized", failure, 401)
                : PortalException.Forbidden(failure);
    }

    /// <summary>Sets <paramref name="tenant"/> for the request, or says why no tenant applies.</summary>
    public static async Task<string?> TryResolveAsync(HttpContext http, TenantContext tenant)
    {
        if (tenant.TenantId is not null) return null;
        var user = http.User;
        if (user.FindFirstValue(PortalClaims.TenantId) is { } keyTenant)
        {
            // Secret keys act with Editor rights: they read and write content but do not manage people or keys.
            tenant.Set(Guid.Parse(keyTenant), TenantRole.Editor, "key:" + user.FindFirstValue(PortalClaims.ApiKeyId));
            return null;
        }
        if (!Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
            return "Sign in or present an API key.";

        var directory = http.RequestServices.GetRequiredService<TenantDirectory>();
        var memberships = (await directory.TenantsOfAsync(userId, http.RequestAborted))
            .Where(t => t.Status == TenantStatus.Active).ToList();
        var fromCookie = http.Request.Cookies.TryGetValue(CurrentTenantCookie.Name, out var cookie) && Guid.TryParse(cookie, out var c)
            ? c : (Guid?)null;
        UserTenant? chosen;
        if (http.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
        {
            // A page shows which tenant it chose and offers the switcher, so it may pick one itself.
            chosen = TenantChoice.ForPage(memberships, fromCookie);
            if (chosen is null) return "You are not a member of any active tenant.";
        }
        else if (http.Request.Headers[HeaderName].ToString() is { Length: > 0 } header)
        {
            chosen = Guid.TryParse(header, out var requested) ? memberships.FirstOrDefault(m => m.TenantId == requested) : null;
            if (chosen is null) return $"You are not a member of the tenant named in {HeaderName}.";
        }
        else if (fromCookie is { } id && memberships.FirstOrDefault(m => m.TenantId == id) is { } cookieTenant)
        {
            chosen = cookieTenant;
        }
        else if (memberships.Count == 1)
        {
            chosen = memberships[0];
        }
        else
        {
            return memberships.Count == 0
                ? "You are not a member of any active tenant."
                : $"You belong to several tenants; name one in the {HeaderName} header.";
        }
        tenant.Set(chosen.TenantId, chosen.Role, userId.ToString());
        return null;
    }
}

internal static class CurrentTenantCookie
{
    public const string Name = "portal.tenant";
}
