using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Documents.Blobs;

/// <summary>
/// A transaction-scoped PostgreSQL advisory lock per blob key. An upload holds it from writing the blob
/// until its document row commits; the sweeper and removals hold it from the reference check until the
/// blob is deleted. So a blob is never deleted between an upload's write and its commit.
/// </summary>
internal static class BlobLocks
{
    /// <summary>The first half of the two-key advisory lock: blob keys, apart from any other advisory lock.</summary>
    public const int LockClass = 45323;

    /// <summary>Tries the lock of the key in <c>$1</c> without waiting: false while an upload of that key is in progress.</summary>
    public const string TrySql = "SELECT pg_try_advisory_xact_lock(45323, hashtext($1))";

    /// <summary>Takes the locks of <paramref name="keys"/> in a fixed order (no deadlock between two uploads) inside the open transaction.</summary>
    public static async Task LockAsync(PortalDbContext db, IEnumerable<string> keys, CancellationToken ct)
    {
        foreach (var key in keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockClass}, hashtext({key}))", ct);
    }
}
