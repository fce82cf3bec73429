using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

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
}
