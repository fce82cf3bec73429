using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Portal.Data;

public static class TenantTransactions
{
    /// <summary>
    /// Begins a transaction in which row-level security sees exactly one tenant. The setting is
    /// transaction-local (<c>set_config(…, true)</c>), never session-wide, because pooled
    /// connections are reused by other tenants' requests.
    /// </summary>
    public static async Task<IDbContextTransaction> BeginTenantTransactionAsync(
        this PortalDbContext db, Guid tenantId, CancellationToken ct)
    {
        var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT set_config('app.tenant_id', {tenantId.ToString()}, true)", ct);
            return tx;
        }
        catch
        {
            await tx.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// One statement for one tenant in a single round trip: the transaction-local tenant setting and the
    /// statement go as one batch, which PostgreSQL runs as one implicit transaction when no explicit one is
    /// open. Its commit does not wait for the WAL flush (<c>synchronous_commit = off</c> for this transaction
    /// only), so it is for writes a database crash may lose without harm, such as a status that recovery resets
    /// anyway. Parameters are positional (<c>$1</c>, <c>$2</c>, …). The caller executes and disposes the batch.
    /// </summary>
    public static NpgsqlBatch TenantStatusBatch(this NpgsqlConnection connection, Guid tenantId, string sql, params object?[] parameters)
    {
        var batch = connection.CreateBatch();
        var tenant = new NpgsqlBatchCommand("SELECT set_config('app.tenant_id', $1, true), set_config('synchronous_commit', 'off', true)");
        tenant.Parameters.Add(new NpgsqlParameter { Value = tenantId.ToString() });
        batch.BatchCommands.Add(tenant);
        var statement = new NpgsqlBatchCommand(sql);
        foreach (var value in parameters) statement.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        batch.BatchCommands.Add(statement);
        return batch;
    }
}
