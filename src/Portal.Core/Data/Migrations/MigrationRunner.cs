using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Hangfire.PostgreSql;
using Npgsql;
using Portal.Jobs;

namespace Portal.Data.Migrations;

/// <summary>
/// Applies the ordered SQL files of <c>migrations/</c> (embedded in this assembly) under a
/// PostgreSQL advisory lock, so nodes that start together apply each file exactly once. Each file
/// runs in its own transaction together with its history row. A file that changed after it was
/// applied stops start-up: history is never rewritten silently.
/// </summary>
public sealed partial class MigrationRunner(ILogger<MigrationRunner> logger)
{
    // An arbitrary constant shared by every Portal node: "portal-migrations".
    private const long AdvisoryLockKey = 0x706f7274616c6d;

    public static IReadOnlyList<Migration> Embedded { get; } = LoadEmbedded();

    public async Task<int> ApplyAsync(string ownerConnectionString, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(ownerConnectionString);
        await conn.OpenAsync(ct);
        await Execute(conn, null, $"SELECT pg_advisory_lock({AdvisoryLockKey})", ct);
        try
        {
            await Execute(conn, null, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    text PRIMARY KEY,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, ct);
            var applied = await ReadAppliedAsync(conn, ct);
            var count = 0;
            foreach (var migration in Embedded)
            {
                if (applied.TryGetValue(migration.Version, out var checksum))
                {
                    if (checksum != migration.Checksum)
                        throw new InvalidOperationException(
                            $"Migration {migration.Version} was changed after it was applied. Add a new migration instead.");
                    continue;
                }
                var started = TimeProvider.System.GetTimestamp();
                await using var tx = await conn.BeginTransactionAsync(ct);
                await Execute(conn, tx, migration.Sql, ct);
                await using (var insert = new NpgsqlCommand(
                    "INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)", conn, tx))
                {
                    insert.Parameters.Add(new() { Value = migration.Version });
                    insert.Parameters.Add(new() { Value = migration.Checksum });
                    await insert.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                LogApplied(migration.Version, (long)TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
                count++;
            }
            if (count == 0) LogUpToDate(Embedded.Count);
            await InstallJobStorageAsync(conn, ct);
            return count;
        }
        finally
        {
            await Execute(conn, null, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
        }
    }

    /// <summary>
    /// Hangfire's tables, in the schema a migration created (0017), installed by the owner under the same lock. Hangfire's
    /// installer is versioned and skips what is already there; the app role never runs it (its storage is configured with
    /// <c>PrepareSchemaIfNecessary = false</c>).
    /// </summary>
    private static async Task InstallJobStorageAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var exists = new NpgsqlCommand($"SELECT to_regnamespace('{JobsRegistration.Schema}') IS NOT NULL", conn);
        if (!(bool)(await exists.ExecuteScalarAsync(ct))!) return;
        PostgreSqlObjectsInstaller.Install(conn, JobsRegistration.Schema);
        // The installer leaves its search_path on the session.
        await Execute(conn, null, "RESET search_path", ct);
    }

    /// <summary>The versions that are in code but not yet in the database; empty when up to date.</summary>
    public static async Task<IReadOnlyList<string>> PendingAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL", conn);
        if (!(bool)(await exists.ExecuteScalarAsync(ct))!) return Embedded.Select(m => m.Version).ToList();
        var applied = await ReadAppliedAsync(conn, ct);
        return Embedded.Where(m => !applied.ContainsKey(m.Version)).Select(m => m.Version).ToList();
    }

    private static async Task<Dictionary<string, string>> ReadAppliedAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var applied = new Dictionary<string, string>();
        await using var cmd = new NpgsqlCommand("SELECT version, checksum FROM schema_migrations", conn);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) applied[reader.GetString(0)] = reader.GetString(1);
        return applied;
    }

    private static async Task Execute(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static List<Migration> LoadEmbedded()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("migrations/", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => Migration.Read(assembly, n))
            .OrderBy(m => m.Version, StringComparer.Ordinal)
            .ToList();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Version} in {ElapsedMs} ms")]
    private partial void LogApplied(string version, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is up to date ({Count} migrations)")]
    private partial void LogUpToDate(int count);
}

public sealed record Migration(string Version, string Sql, string Checksum)
{
    internal static Migration Read(Assembly assembly, string resourceName)
    {
        using var stream = assembly.GetManifestResourceStream(resourceName)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var sql = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
        var version = Path.GetFileNameWithoutExtension(resourceName["migrations/".Length..]);
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
        return new Migration(version, sql, checksum);
    }
}
