using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Portal.Data;

namespace Portal.Search;

internal static class SearchSql
{
    /// <summary>
    /// A raw command on the context's connection and transaction. Search SQL only ever runs inside a
    /// tenant transaction, where row-level security sees exactly one tenant; outside one it refuses.
    /// </summary>
    public static NpgsqlCommand Command(PortalDbContext db, string sql)
    {
        var tx = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("Search and indexing run inside a tenant transaction (BeginTenantTransactionAsync).");
        return new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)tx.GetDbTransaction());
    }
}
