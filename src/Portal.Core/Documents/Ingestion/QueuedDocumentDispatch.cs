using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Jobs;

namespace Portal.Documents.Ingestion;

/// <summary>
/// The outbox relay. Documents are queued by their rows; ingestion jobs on the <see cref="JobQueues.Ingest"/> queue
/// carry no documents and claim the next due one themselves, across tenants, through the narrow
/// <c>claim_queued_documents</c> function (never a role that bypasses row-level security), until none is left. A
/// dispatch enqueues jobs only while claimable documents exist, and never more than
/// <see cref="IngestionJobOptions.MaxConcurrency"/> waiting to start: a busy cluster's running jobs drain the rest.
/// </summary>
internal sealed partial class QueuedDocumentDispatch(
    NpgsqlDataSource dataSource, IBackgroundJobClient jobs, JobStorage storage, IOptions<IngestionJobOptions> options,
    ILogger<QueuedDocumentDispatch> logger)
{
    public async Task DispatchAsync(CancellationToken ct)
    {
        var max = options.Value.MaxConcurrency;
        var waiting = (int)Math.Min(storage.GetMonitoringApi().EnqueuedCount(JobQueues.Ingest), int.MaxValue);
        if (waiting >= max) return;
        var claimable = await ClaimableAsync(max - waiting, ct);
        for (var i = 0; i < claimable; i++)
            jobs.Create<IngestDocumentsJob>(j => j.RunAsync(CancellationToken.None), new EnqueuedState(JobQueues.Ingest));
        if (claimable > 0) LogDispatched(claimable);
    }

    /// <summary>
    /// The next due document for a running job, claimed in the name of its lease (<paramref name="claimant"/>): when that
    /// lease lapses without the document finished (its node died), the next claim anywhere takes it over.
    /// </summary>
    public async Task<IngestionWork?> ClaimNextAsync(string claimant, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT tenant_id, document_id, version FROM claim_queued_documents(1, $1, $2)");
        cmd.Parameters.AddWithValue(claimant);
        cmd.Parameters.AddWithValue(options.Value.LeaseTimeout);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new IngestionWork(reader.GetGuid(0), reader.GetGuid(1), reader.GetInt32(2)) : null;
    }

    private async Task<int> ClaimableAsync(int limit, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT claimable_documents($1, $2)");
        cmd.Parameters.AddWithValue(limit);
        cmd.Parameters.AddWithValue(options.Value.LeaseTimeout);
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Enqueued {Count} ingestion jobs")]
    private partial void LogDispatched(int count);
}
