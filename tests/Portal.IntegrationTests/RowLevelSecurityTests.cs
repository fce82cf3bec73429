using Npgsql;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests;

[Collection(DatabaseCollection.Name)]
public sealed class RowLevelSecurityTests(SharedApp app)
{
    [Fact]
    public async Task Every_table_with_a_tenant_id_forces_row_level_security_with_a_policy()
    {
        await using var conn = new NpgsqlConnection(app.Database.AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid AND 'portal_app'::regrole::oid = ANY (p.polroles) OR
                    (SELECT count(*) FROM pg_policy p2 WHERE p2.polrelid = c.oid AND p2.polroles = '{0}') > 0) AS app_policies
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
              AND (EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
                   OR c.relname = 'tenants')
            ORDER BY 1
            """, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync())
        {
            var table = reader.GetString(0);
            tables.Add(table);
            reader.GetBoolean(1).ShouldBeTrue($"{table} has row-level security disabled");
            reader.GetBoolean(2).ShouldBeTrue($"{table} does not FORCE row-level security");
            reader.GetInt64(3).ShouldBeGreaterThan(0, $"{table} has no policy that applies to the app role");
        }
        tables.ShouldContain("memberships");
        tables.ShouldContain("api_keys");
    }

    [Fact]
    public async Task The_app_role_is_not_owner_superuser_or_bypassrls()
    {
        var flags = await app.Database.AdminScalarAsync<string>(
            "SELECT rolsuper::text || rolbypassrls::text || rolcreatedb::text || rolcreaterole::text FROM pg_roles WHERE rolname = 'portal_app'");
        flags.ShouldBe("falsefalsefalsefalse");
        var owned = await app.Database.AdminScalarAsync<long>(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relowner = 'portal_app'::regrole");
        owned.ShouldBe(0);
        var memberOfOwner = await app.Database.AdminScalarAsync<bool>("SELECT pg_has_role('portal_app', 'portal_owner', 'MEMBER')");
        memberOfOwner.ShouldBeFalse();
    }

    [Fact]
    public async Task With_no_tenant_set_every_tenant_table_reads_zero_rows()
    {
        var owner = await app.RegisterAsync();
        await app.CreateSecretKeyAsync(owner);
        var tables = await TenantTablesAsync();
        await using var conn = new NpgsqlConnection(app.Database.AppConnectionString);
        await conn.OpenAsync();
        foreach (var table in tables)
        {
            var asAdmin = await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM \"{table}\"");
            await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\"", conn);
            var asApp = (long)(await cmd.ExecuteScalarAsync())!;
            asApp.ShouldBe(0, $"{table}: the app role read {asApp} rows with no tenant set (the superuser sees {asAdmin})");
        }
    }

    [Fact]
    public async Task A_tenant_transaction_sees_only_its_own_rows_and_cannot_write_another_tenants()
    {
        var a = await app.RegisterAsync();
        var b = await app.RegisterAsync();
        await using var conn = new NpgsqlConnection(app.Database.AppConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var set = new NpgsqlCommand($"SELECT set_config('app.tenant_id', '{a.TenantId}', true)", conn, tx))
            await set.ExecuteNonQueryAsync();
        await using (var read = new NpgsqlCommand("SELECT count(DISTINCT tenant_id) || ':' || min(tenant_id::text) FROM memberships", conn, tx))
            ((string)(await read.ExecuteScalarAsync())!).ShouldBe($"1:{a.TenantId}");
        await using var write = new NpgsqlCommand(
            $"INSERT INTO memberships (tenant_id, user_id, role) VALUES ('{b.TenantId}', '{a.UserId}', 'Owner')", conn, tx);
        var error = await Should.ThrowAsync<PostgresException>(() => write.ExecuteNonQueryAsync());
        error.SqlState.ShouldBe("42501"); // insufficient_privilege: new row violates row-level security policy
    }

    private async Task<List<string>> TenantTablesAsync()
    {
        await using var conn = new NpgsqlConnection(app.Database.AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT DISTINCT table_name FROM information_schema.columns
            WHERE table_schema = 'public' AND (column_name = 'tenant_id' OR table_name = 'tenants') ORDER BY 1
            """, conn);
        var tables = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        return tables;
    }
}
