using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Portal.Data;
using Portal.Data.Migrations;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests;

[Collection(DatabaseCollection.Name)]
public sealed class SchemaTests(SharedApp app)
{
    [Fact]
    public async Task The_ef_model_and_the_migrated_schema_agree_on_every_table_and_column()
    {
        using var scope = app.Services.CreateScope();
        var model = scope.ServiceProvider.GetRequiredService<PortalDbContext>().GetService<IDesignTimeModel>().Model;
        var columns = await ColumnsAsync();
        var problems = new List<string>();
        foreach (var entity in model.GetEntityTypes().Where(e => e.GetTableName() is not null))
        {
            var table = entity.GetTableName()!;
            var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
            if (!columns.TryGetValue(table, out var dbColumns)) { problems.Add($"table {table} is missing"); continue; }
            foreach (var property in entity.GetProperties())
            {
                var column = property.GetColumnName(store)!;
                if (!dbColumns.TryGetValue(column, out var db)) { problems.Add($"{table}.{column} is missing"); continue; }
                var nullableInModel = property.IsColumnNullable(store);
                if (db.Nullable != nullableInModel) problems.Add($"{table}.{column}: nullable {db.Nullable} in SQL, {nullableInModel} in the model");
                var type = property.GetColumnType(store).Split('(')[0];
                if (!SameType(type, db.Type)) problems.Add($"{table}.{column}: {db.Type} in SQL, {type} in the model");
            }
            foreach (var extra in dbColumns.Where(c => !c.Value.Nullable && !c.Value.HasDefault
                         && entity.GetProperties().All(p => p.GetColumnName(store) != c.Key)))
                problems.Add($"{table}.{extra.Key} is NOT NULL without a default but not in the model");
        }
        problems.ShouldBeEmpty(string.Join("\n", problems));
    }

    [Fact]
    public async Task Two_nodes_migrating_at_once_apply_each_migration_exactly_once()
    {
        var fresh = new PortalDatabase();
        try
        {
            await fresh.InitializeAsync(); // migrated once already; now reset the history and race two runners
            var dropped = await fresh.AdminScalarAsync<long>("SELECT count(*) FROM schema_migrations");
            dropped.ShouldBe(MigrationRunner.Embedded.Count);
            var runners = Enumerable.Range(0, 4).Select(_ =>
                new MigrationRunner(NullLogger<MigrationRunner>.Instance).ApplyAsync(fresh.OwnerConnectionString, CancellationToken.None));
            var applied = await Task.WhenAll(runners);
            applied.Sum().ShouldBe(0);
            (await fresh.AdminScalarAsync<long>("SELECT count(*) FROM schema_migrations")).ShouldBe(MigrationRunner.Embedded.Count);
        }
        finally { await fresh.DisposeAsync(); }
    }

    [Fact]
    public async Task Concurrent_runners_on_an_empty_database_apply_everything_once()
    {
        var fresh = new PortalDatabase();
        try
        {
            await fresh.InitializeAsync();
            await using (var conn = new NpgsqlConnection(fresh.AdminConnectionString))
            {
                await conn.OpenAsync();
                await using var reset = new NpgsqlCommand(
                    "DROP SCHEMA public CASCADE; CREATE SCHEMA public AUTHORIZATION portal_owner; " +
                    "CREATE EXTENSION vector; CREATE EXTENSION citext;", conn);
                await reset.ExecuteNonQueryAsync();
            }
            var applied = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
                new MigrationRunner(NullLogger<MigrationRunner>.Instance).ApplyAsync(fresh.OwnerConnectionString, CancellationToken.None)));
            applied.Sum().ShouldBe(MigrationRunner.Embedded.Count);
            applied.Count(n => n > 0).ShouldBe(1);
        }
        finally { await fresh.DisposeAsync(); }
    }

    [Fact]
    public async Task A_migration_changed_after_it_was_applied_stops_start_up()
    {
        await using var conn = new NpgsqlConnection(app.Database.OwnerConnectionString);
        await conn.OpenAsync();
        var version = MigrationRunner.Embedded[0].Version;
        await using var tx = await conn.BeginTransactionAsync();
        await using (var tamper = new NpgsqlCommand($"UPDATE schema_migrations SET checksum = 'tampered' WHERE version = '{version}'", conn, tx))
            await tamper.ExecuteNonQueryAsync();
        await tx.CommitAsync();
        try
        {
            var error = await Should.ThrowAsync<InvalidOperationException>(() =>
                new MigrationRunner(NullLogger<MigrationRunner>.Instance).ApplyAsync(app.Database.OwnerConnectionString, CancellationToken.None));
            error.Message.ShouldContain(version);
        }
        finally
        {
            await using var restore = new NpgsqlCommand(
                $"UPDATE schema_migrations SET checksum = '{MigrationRunner.Embedded[0].Checksum}' WHERE version = '{version}'", conn);
            await restore.ExecuteNonQueryAsync();
        }
    }

    private static bool SameType(string model, string db)
    {
        static string Canon(string t) => t.ToLowerInvariant() switch
        {
            "character varying" or "varchar" => "varchar",
            "timestamp with time zone" or "timestamptz" => "timestamptz",
            "integer" or "int" or "int4" => "integer",
            "bigint" or "int8" => "bigint",
            "boolean" or "bool" => "boolean",
            "text[]" or "array" or "_text" => "text[]",
            var other => other,
        };
        return Canon(model) == Canon(db);
    }

    private async Task<Dictionary<string, Dictionary<string, (bool Nullable, string Type, bool HasDefault)>>> ColumnsAsync()
    {
        await using var conn = new NpgsqlConnection(app.Database.AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT table_name, column_name, is_nullable = 'YES',
                   CASE WHEN data_type = 'ARRAY' THEN ltrim(udt_name, '_') || '[]'
                        WHEN data_type = 'USER-DEFINED' THEN udt_name ELSE data_type END,
                   column_default IS NOT NULL OR is_identity = 'YES'
            FROM information_schema.columns WHERE table_schema = 'public'
            """, conn);
        var result = new Dictionary<string, Dictionary<string, (bool, string, bool)>>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (!result.TryGetValue(reader.GetString(0), out var table)) result[reader.GetString(0)] = table = [];
            table[reader.GetString(1)] = (reader.GetBoolean(2), reader.GetString(3), reader.GetBoolean(4));
        }
        return result;
    }
}
