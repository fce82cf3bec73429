using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Auditing;
using Portal.Billing;
using Portal.Data;
using Portal.Identity;
using Portal.Tenancy;
using Portal.Web.Features.Jobs;

namespace Portal.Web;

/// <summary>Platform administration from the command line (<c>./portal admin …</c>): grant-operator, revoke-operator, set-plan.</summary>
internal static class AdminCommands
{
    public static bool IsCommand(string[] args) => args is ["admin", ..];

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        if (args is ["admin", "set-plan", ..]) return await SetPlanAsync(app, args);
        if (args is not ["admin", var verb, var email] || verb is not ("grant-operator" or "revoke-operator"))
        {
            Console.Error.WriteLine("usage: admin grant-operator EMAIL | admin revoke-operator EMAIL | admin set-plan TENANT_ID PLAN");
            return 2;
        }
        await using var scope = app.Services.CreateAsyncScope();
        var operators = scope.ServiceProvider.GetRequiredService<PlatformOperators>();
        var found = verb == "grant-operator"
            ? await operators.GrantAsync(email, CancellationToken.None)
            : await operators.RevokeAsync(email, CancellationToken.None);
        if (!found)
        {
            Console.Error.WriteLine($"No person is registered with the email {email}.");
            return 1;
        }
        Console.WriteLine(verb == "grant-operator"
            ? $"{email} is a platform operator: the job dashboard is at {JobsDashboard.Path}."
            : $"{email} is no longer a platform operator.");
        return 0;
    }

    /// <summary>
    /// Puts a tenant on a plan without Stripe (a self-hosted portal, or a complimentary plan). A later subscription
    /// event from Stripe replaces it.
    /// </summary>
    private static async Task<int> SetPlanAsync(WebApplication app, string[] args)
    {
        var plans = app.Services.GetRequiredService<IOptions<BillingOptions>>().Value.Plans;
        if (args is not [_, _, var tenantArg, var plan] || !Guid.TryParse(tenantArg, out var tenantId) || !plans.ContainsKey(plan))
        {
            Console.Error.WriteLine($"usage: admin set-plan TENANT_ID PLAN   (plans: {string.Join(", ", plans.Keys.Order(StringComparer.Ordinal))})");
            return 2;
        }
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId, TenantRole.Owner, "system:admin");
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using var tx = await db.BeginTenantTransactionAsync(tenantId, CancellationToken.None);
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId))
        {
            Console.Error.WriteLine($"No tenant has the id {tenantId}.");
            return 1;
        }
        await db.Database.ExecuteSqlAsync($"INSERT INTO tenant_billing (tenant_id) VALUES ({tenantId}) ON CONFLICT (tenant_id) DO NOTHING");
        var row = await db.TenantBilling.SingleAsync();
        var before = new { plan = row.Plan, status = row.Status };
        (row.Plan, row.Status, row.PastDueSince, row.UpdatedAt) = (plan, SubscriptionStatuses.Active, null, DateTimeOffset.UtcNow);
        scope.ServiceProvider.GetRequiredService<AuditLog>().Record("billing.plan-set", plan, new { from = before, to = new { plan, status = row.Status } });
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        Console.WriteLine($"Tenant {tenantId} is on the plan '{plan}'.");
        return 0;
    }
}
