using Microsoft.AspNetCore.Identity;
using Portal.Data.Migrations;
using Portal.Identity;
using Portal.Tenancy;

namespace Portal.Web;

/// <summary>Administrative verbs of the web executable, used by <c>./portal</c>: migrate and seed.</summary>
internal static class PortalCommands
{
    public const string DemoEmail = "demo@portal.local";
    public const string DemoPassword = "portal-demo-2026";
    public const string DemoTenant = "Demo Company";

    public static bool IsCommand(string[] args) => args is ["migrate" or "seed", ..];

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        var owner = app.Configuration.GetConnectionString("PortalMigrations")
            ?? throw new InvalidOperationException("ConnectionStrings:PortalMigrations is not configured.");
        var applied = await app.Services.GetRequiredService<MigrationRunner>().ApplyAsync(owner, CancellationToken.None);
        if (args[0] == "migrate")
        {
            Console.WriteLine(applied == 0 ? "Database is up to date." : $"Applied {applied} migration(s).");
            return 0;
        }
        await SeedAsync(app.Services);
        return 0;
    }

    /// <summary>A demo tenant and its Owner, created once.</summary>
    private static async Task SeedAsync(IServiceProvider root)
    {
        await using var scope = root.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        if (await users.FindByEmailAsync(DemoEmail) is null)
        {
            var user = new PortalUser { Id = Guid.CreateVersion7(), UserName = DemoEmail, Email = DemoEmail, DisplayName = "Demo Owner" };
            var created = await users.CreateAsync(user, DemoPassword);
            if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
            await scope.ServiceProvider.GetRequiredService<TenantProvisioning>().CreateAsync(DemoTenant, user.Id, CancellationToken.None);
            Console.WriteLine($"Seeded the demo tenant '{DemoTenant}'.");
        }
        Console.WriteLine($"Demo sign-in: {DemoEmail} / {DemoPassword}");
    }
}
