using System.Security.Claims;
using Portal.Data;
using Portal.Tenancy;

namespace Portal.Web.Auth;

/// <summary>
/// Decides the tenant of a tenant-scoped request and runs the endpoint inside that tenant's
/// row-level-security transaction. API keys carry their tenant; a signed-in person names it in
/// <c>X-Tenant-Id</c> (optional when they belong to exactly one tenant) and must be a member.
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
        var user = http.User;
        if (user.FindFirstValue(PortalClaims.TenantId) is { } keyTenant)
        {
            // Secret keys act with Editor rights: they read and write content but do not manage people or keys.
            tenant.Set(Guid.Parse(keyTenant), TenantRole.Editor, "key:" + user.FindFirstValue(PortalClaims.ApiKeyId));
            return;
        }
        if (!Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
            throw new PortalException("unauthorized", "Sign in or present an API key.", 401);

        var directory = http.RequestServices.GetRequiredService<TenantDirectory>();
        var memberships = (await directory.TenantsOfAsync(userId, http.RequestAborted))
            .Where(t => t.Status == TenantStatus.Active).ToList();
        UserTenant? chosen;
        var header = http.Request.Headers[HeaderName].ToString();
        if (header.Length > 0)
        {
            chosen = Guid.TryParse(header, out var requested) ? memberships.FirstOrDefault(m => m.TenantId == requested) : null;
            if (chosen is null)
                throw PortalException.Forbidden($"You are not a member of the tenant named in {HeaderName}.");
        }
        else if (http.Request.Cookies.TryGetValue(CurrentTenantCookie.Name, out var cookie) && Guid.TryParse(cookie, out var fromCookie)
                 && memberships.FirstOrDefault(m => m.TenantId == fromCookie) is { } cookieTenant)
        {
            chosen = cookieTenant;
        }
        else
        {
            chosen = memberships.Count == 1 ? memberships[0]
                : throw PortalException.Forbidden(memberships.Count == 0
                    ? "You are not a member of any active tenant."
                    : $"You belong to several tenants; name one in the {HeaderName} header.");
        }
        tenant.Set(chosen.TenantId, chosen.Role, userId.ToString());
    }
}

internal static class CurrentTenantCookie
{
    public const string Name = "portal.tenant";
}
