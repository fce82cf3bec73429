using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Jobs;

namespace Portal.Documents.Ingestion;

/// <summary>
/// The outbox relay: claims queued documents across tenants (through the narrow <c>claim_queued_documents</c>
/// function, never a role that bypasses row-level security) and enqueues one ingestion job per claimed document on
/// the <see cref="JobQueues.Ingest"/> queue, at most <see cref="IngestionJobOptions.MaxConcurrency"/> at a time. A
/// running job claims the next queued document itself when it finishes one (<see cref="ClaimNextAsync"/>), so a
/// backlog costs one job per worker, not per document. A dispatch adds nothing while jobs it enqueued before have
/// not started (their documents are <c>dispatched_documents_waiting</c>): the cluster is busy, and its running jobs
/// drain the queue. The claim skips rows another claim holds, so two dispatches never take the same document.
/// </summary>
internal sealed partial class QueuedDocumentDispatch(
    NpgsqlDataSource dataSource, IBackgroundJobClient jobs, IOptions<IngestionJobOptions> options, ILogger<QueuedDocumentDispatch> logger)
{
    public async Task DispatchAsync(CancellationToken ct)
    {
        if (await WaitingAsync(ct) > 0) return;
        var claimed = await ClaimAsync(Math.Min(options.Value.MaxConcurrency, options.Value.DispatchBatchSize), claimant: null, ct);
        // A claim whose job is never enqueued (this node dies right here) is claimed again after RedispatchAfter.
        foreach (var work in claimed)
            jobs.Create<IngestDocumentsJob>(j => j.RunAsync(new[] { work }, CancellationToken.None), new EnqueuedState(JobQueues.Ingest));
        if (claimed.Count > 0) LogDispatched(claimed.Count);
    }

    /// <summary>
    /// The next queued document for a running job, claimed in the name of its lease (<paramref name="claimant"/>):
    /// when that lease stops beating without the document finished (its node died), the next claim takes it over.
    /// </summary>
    public async Task<IngestionWork?> ClaimNextAsync(string claimant, CancellationToken ct) =>
        (await ClaimAsync(1, claimant, ct)).SingleOrDefault();

    private async Task<List<IngestionWork>> ClaimAsync(int limit, string? claimant, CancellationToken ct)
    {
        var claimed = new List<IngestionWork>();
        await using var cmd = dataSource.CreateCommand("SELECT tenant_id, document_id, version FROM claim_queued_documents($1, $2, $3, $4)");
        cmd.Parameters.AddWithValue(limit);
        cmd.Parameters.AddWithValue(options.Value.RedispatchAfter);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)claimant ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(options.Value.LeaseTimeout);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            claimed.Add(new IngestionWork(reader.GetGuid(0), reader.GetGuid(1), reader.GetInt32(2)));
        return claimed;
    }

    private async Task<long> WaitingAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT dispatched_documents_waiting($1)");
        cmd.Parameters.AddWithValue(options.Value.RedispatchAfter);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dispatched {Count} queued documents")]
    private partial void LogDispatched(int count);
}
