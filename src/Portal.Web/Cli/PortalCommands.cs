using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Curation;
using Portal.Data;
using Portal.Data.Migrations;
using Portal.Identity;
using Portal.Documents;
using Portal.Tenancy;
using Portal.Web.Features.Documents.Uploads;
using Portal.Documents.Uploads;
using Portal.Web.Features.KnowledgeBases;
using Portal.KnowledgeBases;

namespace Portal.Web;

/// <summary>Administrative verbs of the web executable, used by <c>./portal</c>: migrate and seed.</summary>
internal static class PortalCommands
{
    public const string DemoEmail = "demo@portal.local";
    public const string DemoPassword = "portal-demo-2026";
    public const string DemoTenant = "Demo Company";
    public const string DemoKnowledgeBase = "Customer support";

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

    /// <summary>
    /// A demo tenant and its Owner, created once, with a knowledge base of a few support documents (queued, so
    /// the running portal ingests them like any upload) and two curated answers.
    /// </summary>
    internal static async Task SeedAsync(IServiceProvider root)
    {
        await using var scope = root.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        if (await users.FindByEmailAsync(DemoEmail) is null)
        {
            var user = new PortalUser { Id = Guid.CreateVersion7(), UserName = DemoEmail, Email = DemoEmail, DisplayName = "Demo Owner" };
            var created = await users.CreateAsync(user, DemoPassword);
            if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
            var tenant = await scope.ServiceProvider.GetRequiredService<TenantProvisioning>().CreateAsync(DemoTenant, user.Id, CancellationToken.None);
            await SeedContentAsync(root, tenant.Id, CancellationToken.None);
            Console.WriteLine($"Seeded the demo tenant '{DemoTenant}' with the knowledge base '{DemoKnowledgeBase}'.");
        }
        Console.WriteLine($"Demo sign-in: {DemoEmail} / {DemoPassword}");
    }

    private static async Task SeedContentAsync(IServiceProvider root, Guid tenantId, CancellationToken ct)
    {
        await using var scope = root.CreateAsyncScope();
        var services = scope.ServiceProvider;
        services.GetRequiredService<TenantContext>().Set(tenantId, TenantRole.Owner, "system:demo-seed");
        var db = services.GetRequiredService<PortalDbContext>();
        Guid kbId;
        await using (var tx = await db.BeginTenantTransactionAsync(tenantId, ct))
        {
            kbId = (await services.GetRequiredService<KnowledgeBaseService>().CreateAsync(
                new CreateKnowledgeBaseRequest(DemoKnowledgeBase, null), ct)).Id;
            var pairs = services.GetRequiredService<QaPairService>();
            await pairs.CreateAsync(kbId, "How do I reach customer support?",
                "Write to support@northwind-bikes.example or call +49 30 1234 5678, Monday to Friday, 9 am to 6 pm.", QaSource.Manual, ct);
            await pairs.CreateAsync(kbId, "Do you ship outside the EU?",
                "Not yet: we deliver to every EU country, Norway and Switzerland.", QaSource.Manual, ct);
            await tx.CommitAsync(ct);
        }

        var assembly = typeof(PortalCommands).Assembly;
        const string prefix = "Portal.Web.Cli.Demo.";
        var files = assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Select(n => (Name: n[prefix.Length..], Content: assembly.GetManifestResourceStream(n)!)).ToList();
        try
        {
            var limit = services.GetRequiredService<IOptions<IngestionLimits>>().Value.MaxFileBytes;
            using var staging = await UploadStaging.FromStreamsAsync(files, limit, ct);
            await services.GetRequiredService<DocumentIntake>().AddAsync(kbId, staging.Files, ct);
        }
        finally
        {
            foreach (var (_, content) in files) await content.DisposeAsync();
        }
    }
}
