using System.Diagnostics;
using Npgsql;
using Portal.Jobs;

namespace Portal.Bench.Ingestion;

/// <summary>One kill's figures, in seconds from the kill (the lease's age at the kill: how long since it was last renewed).</summary>
internal sealed record TakeoverRound(double LeaseAge, double DocumentStarted, double DocumentIndexed, double JobStarted, bool ExactlyOnce = false);

/// <summary>
/// Watches, through one open connection, who holds a document (the node of the lease it names, <c>host:pid</c>) and
/// which servers have had a Hangfire job Processing (a server id is <c>host:pid:queue:guid</c>).
/// </summary>
internal static class TakeoverProbe
{
    private const string Watch = $"""
        SELECT d.status, coalesce(l.node, ''),
               EXISTS (SELECT 1 FROM {JobsRegistration.Schema}.state s WHERE s.jobid = $2 AND s.name = 'Processing' AND s.data::text ILIKE $3)
        FROM documents d LEFT JOIN ingestion_leases l ON l.claimant = d.claimed_by
        WHERE d.id = $1
        """;

    /// <summary>Waits until the node <paramref name="pid"/> has the document in flight and the job Processing.</summary>
    public static async Task WaitStartedAsync(ThrowawayDatabase database, Guid document, string job, int pid)
    {
        await using var watch = await WatchAsync(database, document, job, pid);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            var (status, node, processing) = await watch.ReadAsync();
            if (status == "Indexed") throw new InvalidOperationException("the document was indexed before the kill; it needs more pages");
            if (InFlight(status) && node.EndsWith($":{pid}", StringComparison.Ordinal) && processing) return;
            await Task.Delay(10);
        }
        throw new TimeoutException($"worker {pid} did not start the document and the job");
    }

    /// <summary>Kills <paramref name="victim"/> and its children, then times the survivor's takeover.</summary>
    public static async Task<TakeoverRound> KillAndWatchAsync(ThrowawayDatabase database, Process victim, int survivor,
        Guid document, string job, TimeSpan limit)
    {
        var leaseAge = await database.ScalarAsync<double>($"""
            SELECT extract(epoch FROM now() - l.heartbeat_at)::float8
            FROM documents d JOIN ingestion_leases l ON l.claimant = d.claimed_by WHERE d.id = '{document}'
            """);
        await using var watch = await WatchAsync(database, document, job, survivor);
        var clock = Stopwatch.StartNew();
        victim.Kill(entireProcessTree: true);
        double? started = null, indexed = null, jobStarted = null;
        while (indexed is null || jobStarted is null)
        {
            if (clock.Elapsed > limit) throw new TimeoutException("the survivor did not take the work over");
            var (status, node, processing) = await watch.ReadAsync();
            var now = clock.Elapsed.TotalSeconds;
            if (started is null && status == "Indexed" && now < 0.5)
                throw new InvalidOperationException("the document was indexed before the kill; it needs more pages");
            // A poll that finds the document Indexed without having seen it in flight counts its restart as then.
            if (started is null && (status == "Indexed" || InFlight(status) && node.EndsWith($":{survivor}", StringComparison.Ordinal)))
                started = now;
            if (indexed is null && status == "Indexed") indexed = now;
            if (jobStarted is null && processing) jobStarted = now;
            await Task.Delay(20);
        }
        await victim.WaitForExitAsync();
        return new TakeoverRound(leaseAge, started!.Value, indexed.Value, jobStarted.Value);
    }

    private static bool InFlight(string status) => status is "Parsing" or "Chunking" or "Indexing";

    private static async Task<Watcher> WatchAsync(ThrowawayDatabase database, Guid document, string job, int pid)
    {
        var connection = new NpgsqlConnection(database.Admin);
        await connection.OpenAsync();
        var command = new NpgsqlCommand(Watch, connection);
        command.Parameters.AddWithValue(document);
        command.Parameters.AddWithValue(long.Parse(job, System.Globalization.CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue($"%:{pid}:{JobQueues.Maintenance}:%");
        await command.PrepareAsync();
        return new Watcher(connection, command);
    }

    private sealed class Watcher(NpgsqlConnection connection, NpgsqlCommand command) : IAsyncDisposable
    {
        public async Task<(string Status, string Node, bool Processing)> ReadAsync()
        {
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return (reader.GetString(0), reader.GetString(1), reader.GetBoolean(2));
        }

        public async ValueTask DisposeAsync()
        {
            await command.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
