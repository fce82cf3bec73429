using Npgsql;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Hostile;

/// <summary>
/// Row counts of every tenant-owned table for one tenant (a partitioned table counted once, through its parent), plus people, tenants and memberships overall: two equal
/// snapshots around a refused request prove it wrote nothing, not even half of something.
/// </summary>
internal sealed class TenantSnapshot
{
    private readonly string _sql;
    private readonly PortalDatabase _database;

    private TenantSnapshot(PortalDatabase database, string sql) => (_database, _sql) = (database, sql);

    public static async Task<TenantSnapshot> ForAsync(PortalDatabase database, Guid tenantId)
    {
        await using var conn = new NpgsqlConnection(database.AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT c.relname::text FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
            WHERE c.relnamespace = 'public'::regnamespace AND a.attname = 'tenant_id' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
              -- The embedding backfill job adds and retires vector generations after an accepted change, at its own pace.
              AND c.relname <> 'search_vector_generations'
            ORDER BY 1
            """, conn);
        var tables = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        var parts = tables.Select(t => $"'{t}=' || (SELECT count(*) FROM \"{t}\" WHERE tenant_id = '{tenantId}')")
            .Concat(["'users=' || (SELECT count(*) FROM users)", "'tenants=' || (SELECT count(*) FROM tenants)",
                "'all-memberships=' || (SELECT count(*) FROM memberships)"]);
        return new TenantSnapshot(database, "SELECT " + string.Join(" || ',' || ", parts));
    }

    public Task<string> TakeAsync() => _database.AdminScalarAsync<string>(_sql);
}
