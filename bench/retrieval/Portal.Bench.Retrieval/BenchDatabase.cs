using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Portal;
using Portal.Data;
using Portal.Data.Migrations;
using Portal.Search;
using Portal.Tenancy;

namespace Portal.Bench.Retrieval;

/// <summary>A fresh, migrated database with the production roles, and a service provider over it as the app role.</summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    public required string Name { get; init; }
    public required string Admin { get; init; }
    public required ServiceProvider Services { get; init; }

    public static async Task<BenchDatabase> CreateAsync(string label)
    {
        var server = Environment.GetEnvironmentVariable("PORTAL_ADMIN_CONNECTION")
            ?? throw new InvalidOperationException("PORTAL_ADMIN_CONNECTION is not set; run through ./portal bench retrieval.");
        var reuse = Environment.GetEnvironmentVariable("BENCH_REUSE_DB");
        var name = reuse ?? $"portal_bench_{label}_{Guid.NewGuid().ToString("N")[..8]}";
        var admin = new NpgsqlConnectionStringBuilder(server);
        var root = Root();
        if (reuse is null) await BootstrapAndMigrateAsync(admin, name, root);
        admin.Database = name;
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Portal"] = $"Host=127.0.0.1;Port={admin.Port};Database={name};Username=portal_app;Password=portal_app_dev;Maximum Pool Size=20",
        }).AddEnvironmentVariables().Build(); // e.g. Search__KeywordCandidateBudget=100000
        var services = new ServiceCollection().AddSingleton<IConfiguration>(config).AddLogging();
        services.AddPortalCore();
        services.AddPortalSearch();
        return new BenchDatabase { Name = name, Admin = admin.ConnectionString, Services = services.BuildServiceProvider() };
    }

    private static async Task BootstrapAndMigrateAsync(NpgsqlConnectionStringBuilder admin, string name, string root)
    {
        var psql = Process.Start(new ProcessStartInfo("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", admin.Host!, "-p", admin.Port.ToString(),
            "-U", admin.Username!, "-d", "postgres", "-v", $"db={name}", "-f", Path.Combine(root, "deploy/postgres/bootstrap.sql")]))!;
        await psql.WaitForExitAsync();
        if (psql.ExitCode != 0) throw new InvalidOperationException("bootstrap failed");
        await new MigrationRunner(NullLogger<MigrationRunner>.Instance).ApplyAsync(
            $"Host=127.0.0.1;Port={admin.Port};Database={name};Username=portal_owner;Password=portal_owner_dev;Pooling=false", CancellationToken.None);
    }

    public async Task ExecAsync(string sql, int timeoutSeconds = 3600)
    {
        await using var conn = new NpgsqlConnection(Admin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = timeoutSeconds };
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var conn = new NpgsqlConnection(Admin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 3600 };
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Runs work in a tenant transaction, as the ingestion pipeline and the API do.</summary>
    public async Task<T> InTenantAsync<T>(Guid tenantId, Func<PortalDbContext, IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId, TenantRole.Owner, "bench");
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using var tx = await db.BeginTenantTransactionAsync(tenantId, CancellationToken.None);
        var result = await work(db, scope.ServiceProvider);
        await tx.CommitAsync();
        return result;
    }

    public Task<IReadOnlyList<SearchHit>> SearchAsync(Guid tenantId, SearchQuery query) =>
        InTenantAsync(tenantId, (_, sp) => sp.GetRequiredService<HybridSearch>().SearchAsync(query, CancellationToken.None));

    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Portal.sln"))) return dir.FullName;
        throw new InvalidOperationException("Portal.sln not found");
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (Environment.GetEnvironmentVariable("BENCH_KEEP_DB") == "1" || Environment.GetEnvironmentVariable("BENCH_REUSE_DB") is not null)
        { Console.WriteLine($"kept database {Name}"); return; }
        var admin = new NpgsqlConnectionStringBuilder(Admin) { Database = "postgres" };
        await using var conn = new NpgsqlConnection(admin.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
