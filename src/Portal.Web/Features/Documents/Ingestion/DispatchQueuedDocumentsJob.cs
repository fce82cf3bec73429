using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace Portal.Web.Features.Documents.Ingestion;

/// <summary>
/// The outbox relay: claims queued documents across tenants (through the narrow
/// <c>claim_queued_documents</c> function, never a role that bypasses row-level security) and
/// schedules one ingestion job per claimed document, as many as this node has free slots. A running job
/// claims the next queued document itself when it finishes one (<see cref="ClaimNextAsync"/>), so a busy
/// node adds no jobs and a backlog costs one scheduler fire per slot, not per document. Run by the
/// recurring dispatcher job and, on this node, by upload nudges; the claim skips rows another claim holds,
/// so two runs never take the same document.
/// </summary>
internal sealed partial class QueuedDocumentDispatch(
    NpgsqlDataSource dataSource, IngestionWorkers workers, IOptions<IngestionJobOptions> options, ILogger<QueuedDocumentDispatch> logger)
{
    /// <param name="recurring">
    /// The recurring run also serves the cluster: when this node is full it still adds one job, which any node
    /// with a free thread fires, as long as every job it added before has started.
    /// </param>
    public async Task DispatchAsync(IScheduler scheduler, bool recurring, CancellationToken ct)
    {
        var slots = workers.Free;
        if (slots == 0 && recurring && await WaitingAsync(ct) == 0) slots = 1;
        if (slots == 0) return;
        var claimed = await ClaimAsync(Math.Min(slots, options.Value.DispatchBatchSize), claimant: null, ct);
        // A claim whose job is never scheduled (this node dies right here) is claimed again after RedispatchAfter.
        foreach (var work in claimed)
        {
            var job = IngestDocumentJob.For([work]);
            workers.Scheduled(job.Key.Name);
            await scheduler.ScheduleJob(job, TriggerBuilder.Create().StartNow().Build(), new ScheduleJobOptions(), ct);
        }
        if (claimed.Count > 0) LogDispatched(claimed.Count);
    }

    /// <summary>
    /// The next queued document for a running job, claimed in the name of its fire (<paramref name="fireInstanceId"/>):
    /// when that fire ends without finishing the document (its node died), the next claim takes it over.
    /// </summary>
    public async Task<IngestionWork?> ClaimNextAsync(string fireInstanceId, CancellationToken ct) =>
        (await ClaimAsync(1, fireInstanceId, ct)).SingleOrDefault();

    private async Task<List<IngestionWork>> ClaimAsync(int limit, string? claimant, CancellationToken ct)
    {
        var claimed = new List<IngestionWork>();
        await using var cmd = dataSource.CreateCommand("SELECT tenant_id, document_id, version FROM claim_queued_documents($1, $2, $3)");
        cmd.Parameters.AddWithValue(limit);
        cmd.Parameters.AddWithValue(options.Value.RedispatchAfter);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)claimant ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
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

/// <summary>The recurring dispatch, on one node at a time in the cluster: picks up what no nudge did (retries, other nodes' uploads).</summary>
[DisallowConcurrentExecution]
internal sealed class DispatchQueuedDocumentsJob(QueuedDocumentDispatch dispatch) : IJob
{
    public static readonly JobKey Key = new("dispatch-queued-documents", IngestDocumentJob.Group);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await dispatch.DispatchAsync(context.Scheduler, recurring: true, cancellationToken);
}

/// <summary>Keeps the dispatcher's recurring trigger in step with <see cref="IngestionJobOptions.DispatchInterval"/>.</summary>
internal sealed class DispatcherSchedule(ISchedulerFactory schedulers, IOptions<IngestionJobOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (!options.Value.Enabled) return;
        var scheduler = await schedulers.GetScheduler(ct);
        var trigger = TriggerBuilder.Create()
            .WithIdentity("dispatch-queued-documents", IngestDocumentJob.Group)
            .ForJob(DispatchQueuedDocumentsJob.Key)
            .StartNow()
            .WithSimpleSchedule(s => s.WithInterval(options.Value.DispatchInterval).RepeatForever())
            .Build();
        // Every node says the same thing; replacing keeps the interval current after a configuration change.
        await scheduler.ScheduleJob(
            JobBuilder.Create<DispatchQueuedDocumentsJob>().WithIdentity(DispatchQueuedDocumentsJob.Key).StoreDurably().Build(),
            [trigger], ScheduleJobOptions.Replacing, ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

/// <summary>
/// Dispatches right after an upload commits, in this process rather than through a scheduler trigger (which
/// would cost a fire before the documents' own jobs could fire). Nudges coalesce: one dispatch runs at a time
/// on this node, and nudges that arrive meanwhile make it run once more, since one run fills every free slot.
/// When no slot is free the nudge does nothing: the running jobs claim the new documents as they finish others.
/// </summary>
internal sealed partial class IngestionQueue(
    ISchedulerFactory schedulers, QueuedDocumentDispatch dispatch, IHostApplicationLifetime lifetime, ILogger<IngestionQueue> logger)
{
    private int _requested;
    private int _running;

    public Task NudgeAsync(CancellationToken ct)
    {
        Volatile.Write(ref _requested, 1);
        if (Interlocked.CompareExchange(ref _running, 1, 0) == 0) _ = Task.Run(DrainAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task DrainAsync()
    {
        do
        {
            try
            {
                while (Interlocked.Exchange(ref _requested, 0) == 1 && !lifetime.ApplicationStopping.IsCancellationRequested)
                    await DispatchOnceAsync(lifetime.ApplicationStopping);
            }
            finally { Volatile.Write(ref _running, 0); }
            // A nudge that arrived between the last check and the release above is not lost.
        } while (Volatile.Read(ref _requested) == 1 && Interlocked.CompareExchange(ref _running, 1, 0) == 0);
    }

    private async Task DispatchOnceAsync(CancellationToken ct)
    {
        try
        {
            await dispatch.DispatchAsync(await schedulers.GetScheduler(ct), recurring: false, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The documents are already queued in the database; the recurring dispatch picks them up.
            LogNudgeFailed(e);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: queued documents wait for the next start or another node.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not dispatch after an upload; queued documents wait for the recurring dispatch")]
    private partial void LogNudgeFailed(Exception exception);
}
