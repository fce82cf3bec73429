using Microsoft.Extensions.Logging;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Portal.Documents.Blobs;

/// <summary>How the orphan blob sweep runs. Bound from <c>Blobs:Sweep</c>.</summary>
internal sealed class BlobSweepOptions
{
    /// <summary>How often the sweep runs (on one node of the cluster at a time).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A blob written or re-uploaded less than this long ago is never swept, referenced or not.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan Grace { get; set; } = TimeSpan.FromHours(6);

    public bool Enabled { get; set; } = true;
}

internal sealed record BlobSweepResult(int Examined, int Deleted, int Busy, int Incomplete);

/// <summary>
/// Deletes blobs that no document of any tenant references: the leftovers of a crash between a blob
/// write and its row commit. A blob must be older than the grace period, unreferenced by the
/// <c>unreferenced_blob_keys</c> definer function, and its key lock must be free (no upload of the same
/// bytes in progress); the reference is checked again under that lock just before the delete. Partial files of
/// puts cut off by a crash go too, once past the same grace period.
/// </summary>
internal sealed partial class OrphanBlobSweeper(
    NpgsqlDataSource dataSource, IBlobStore blobs, IOptions<BlobSweepOptions> options, TimeProvider time, ILogger<OrphanBlobSweeper> logger)
{
    private const int Batch = 500;

    public async Task<BlobSweepResult> SweepAsync(CancellationToken ct)
    {
        var cutoff = time.GetUtcNow() - options.Value.Grace;
        int examined = 0, deleted = 0, busy = 0;
        var batch = new List<string>(Batch);
        await foreach (var blob in blobs.ListAsync(ct))
        {
            if (blob.LastModified > cutoff) continue;
            batch.Add(blob.Key);
            if (batch.Count == Batch) await SweepBatchAsync();
        }
        await SweepBatchAsync();
        // A put is written and renamed within one request, so a partial file past the grace period belongs to a crashed one.
        var incomplete = await blobs.RemoveIncompleteAsync(cutoff, ct);
        if (deleted > 0 || busy > 0 || incomplete > 0) LogSwept(examined, deleted, busy, incomplete);
        return new BlobSweepResult(examined, deleted, busy, incomplete);

        async Task SweepBatchAsync()
        {
            examined += batch.Count;
            foreach (var key in batch.Count == 0 ? [] : await UnreferencedAsync(null, batch, ct))
            {
                switch (await DeleteIfStillOrphanedAsync(key, cutoff, ct))
                {
                    case true: deleted++; break;
                    case null: busy++; break;
                }
            }
            batch.Clear();
        }
    }

    /// <summary>True when deleted, false when referenced or refreshed meanwhile, null when an upload of the key holds its lock.</summary>
    private async Task<bool?> DeleteIfStillOrphanedAsync(string key, DateTimeOffset cutoff, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand(BlobLocks.TrySql, connection, tx) { Parameters = { new() { Value = key } } })
        {
            if (!(bool)(await lockCommand.ExecuteScalarAsync(ct))!) return null;
        }
        // Under the lock: an upload that committed a row for these bytes since the first check is seen here,
        // and one that starts now waits for this transaction and then writes the blob again.
        var deleted = false;
        if ((await UnreferencedAsync((connection, tx), [key], ct)).Count == 1
            && await blobs.LastModifiedAsync(key, ct) is { } modified && modified <= cutoff)
        {
            await blobs.DeleteAsync(key, ct);
            deleted = true;
        }
        await tx.CommitAsync(ct);
        return deleted;
    }

    private async Task<List<string>> UnreferencedAsync((NpgsqlConnection, NpgsqlTransaction)? within, List<string> keys, CancellationToken ct)
    {
        const string sql = "SELECT unreferenced_blob_keys($1)";
        await using var command = within is var (connection, tx) ? new NpgsqlCommand(sql, connection, tx) : dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = keys.ToArray() });
        var result = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) result.Add(reader.GetString(0));
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Blob sweep: {Examined} blobs past the grace period, {Deleted} unreferenced deleted, {Busy} skipped while being uploaded, {Incomplete} partial writes removed")]
    private partial void LogSwept(int examined, int deleted, int busy, int incomplete);
}
