using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Portal.Documents.Ingestion;

/// <summary>
/// The lease a running ingestion job holds (<c>ingestion_leases</c>): one row per run whose heartbeat is renewed every
/// third of <see cref="IngestionJobOptions.LeaseTimeout"/> while the run lives. The documents the run starts name it
/// (<c>documents.claimed_by</c>); once the heartbeat is older than the timeout (the node died or hung), the next claim
/// anywhere takes those documents over.
/// </summary>
internal sealed partial class IngestionLeases(NpgsqlDataSource dataSource, IOptions<IngestionJobOptions> options, ILogger<IngestionLeases> logger)
{
    public async Task<IngestionLease> AcquireAsync(CancellationToken ct)
    {
        var claimant = Guid.NewGuid().ToString("N");
        await using (var cmd = dataSource.CreateCommand("INSERT INTO ingestion_leases (claimant, node) VALUES ($1, $2)"))
        {
            cmd.Parameters.AddWithValue(claimant);
            cmd.Parameters.AddWithValue($"{Environment.MachineName}:{Environment.ProcessId}");
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return new IngestionLease(claimant, this, options.Value.LeaseTimeout / 3);
    }

    internal async Task RenewAsync(string claimant, CancellationToken ct)
    {
        try
        {
            await using var cmd = dataSource.CreateCommand("UPDATE ingestion_leases SET heartbeat_at = now() WHERE claimant = $1");
            cmd.Parameters.AddWithValue(claimant);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // One missed beat is within the timeout; several mean the documents go to another node, which is safe.
            LogRenewFailed(e, claimant);
        }
    }

    internal async Task ReleaseAsync(string claimant)
    {
        await using var cmd = dataSource.CreateCommand(
            "DELETE FROM ingestion_leases WHERE claimant = $1 OR heartbeat_at < now() - interval '1 day'");
        cmd.Parameters.AddWithValue(claimant);
        await cmd.ExecuteNonQueryAsync(CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew ingestion lease {Claimant}")]
    private partial void LogRenewFailed(Exception exception, string claimant);
}

/// <summary>A held lease: renewed in the background until disposed, then released.</summary>
internal sealed class IngestionLease : IAsyncDisposable
{
    private readonly IngestionLeases _leases;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _beat;

    internal IngestionLease(string claimant, IngestionLeases leases, TimeSpan interval)
    {
        Claimant = claimant;
        _leases = leases;
        _beat = BeatAsync(interval);
    }

    public string Claimant { get; }

    private async Task BeatAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) await _leases.RenewAsync(Claimant, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Released.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _beat;
        _stop.Dispose();
        await _leases.ReleaseAsync(Claimant);
    }
}
