using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Portal.Data.Migrations;

namespace Portal.TestSupport;

/// <summary>
/// A fresh database on the real PostgreSQL cluster that <c>./portal test</c> starts, created with the
/// same bootstrap script as production and migrated with the real migrations. Dropped at the end.
/// </summary>
public sealed class PortalDatabase : IAsyncLifetime
{
    public string Name { get; } = "portal_test_" + Guid.NewGuid().ToString("N")[..12];
    public string AdminConnectionString { get; private set; } = "";
    public string AppConnectionString { get; private set; } = "";
    public string OwnerConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var admin = new NpgsqlConnectionStringBuilder(AdminServer());
        await RunPsqlAsync(admin, "-v", $"db={Name}", "-f", Path.Combine(RepoRoot(), "deploy/postgres/bootstrap.sql"));
        admin.Database = Name;
        AdminConnectionString = admin.ConnectionString;
        var port = admin.Port;
        AppConnectionString = $"Host=127.0.0.1;Port={port};Database={Name};Username=portal_app;Password=portal_app_dev;Maximum Pool Size=20";
        OwnerConnectionString = $"Host=127.0.0.1;Port={port};Database={Name};Username=portal_owner;Password=portal_owner_dev;Pooling=false";
        await new MigrationRunner(NullLogger<MigrationRunner>.Instance).ApplyAsync(OwnerConnectionString, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var admin = new NpgsqlConnectionStringBuilder(AdminServer()) { Database = "postgres" };
        await using var conn = new NpgsqlConnection(admin.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Runs SQL as the superuser on this database: for assertions that must see past row-level security.</summary>
    public async Task<T> AdminScalarAsync<T>(string sql)
    {
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Portal.sln"))) return dir.FullName;
        throw new InvalidOperationException("Could not find the repository root (Portal.sln) above " + AppContext.BaseDirectory);
    }

    private static string AdminServer() =>
        Environment.GetEnvironmentVariable("PORTAL_TEST_ADMIN_CONNECTION") is { Length: > 0 } configured
            ? configured
            : $"Host={Path.Combine(RepoRoot(), ".data/run")};Port=55432;Username={(Environment.UserName == "root" ? "postgres" : Environment.UserName)};Database=postgres;Pooling=false";

    private static async Task RunPsqlAsync(NpgsqlConnectionStringBuilder admin, params string[] args)
    {
        var psi = new ProcessStartInfo("psql") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", admin.Host!, "-p", admin.Port.ToString(),
                     "-U", admin.Username!, "-d", admin.Database ?? "postgres" }.Concat(args))
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"psql failed ({process.ExitCode}): {await stderr}\nIs the test PostgreSQL running? Run the tests with ./portal test.");
    }
}
