using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace Portal.Web.Features.Documents.Ingestion;

/// <summary>
/// The outbox relay: claims queued documents across tenants (through the narrow
/// <c>claim_queued_documents</c> function, never a role that bypasses row-level security) and
/// schedules ingestion jobs for them. Run by the recurring dispatcher job and, on this node, by upload nudges;
/// the claim skips rows another claim holds, so two runs never take the same document.
/// </summary>
internal sealed partial class QueuedDocumentDispatch(
    NpgsqlDataSource dataSource, IOptions<IngestionJobOptions> options, ILogger<QueuedDocumentDispatch> logger)
{
    public async Task DispatchAsync(IScheduler scheduler, CancellationToken ct)
    {
        var claimed = new List<IngestionWork>();
        await using (var cmd = dataSource.CreateCommand("SELECT tenant_id, document_id, version FROM claim_queued_documents($1, $2)"))
        {
            cmd.Parameters.AddWithValue(options.Value.DispatchBatchSize);
            cmd.Parameters.AddWithValue(options.Value.RedispatchAfter);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                claimed.Add(new IngestionWork(reader.GetGuid(0), reader.GetGuid(1), reader.GetInt32(2)));
        }
        // A claim whose job is never scheduled (this node dies right here) is claimed again after RedispatchAfter.
        foreach (var works in Split(claimed, options.Value))
            await scheduler.ScheduleJob(IngestDocumentJob.For(works), TriggerBuilder.Create().StartNow().Build(), new ScheduleJobOptions(), ct);
        if (claimed.Count > 0) LogDispatched(claimed.Count);
    }

    /// <summary>
    /// Enough jobs to keep every ingestion thread busy, each with at most <see cref="IngestionJobOptions.DocumentsPerJob"/>
    /// documents; dealt round-robin so the oldest documents start first.
    /// </summary>
    internal static List<List<IngestionWork>> Split(IReadOnlyList<IngestionWork> claimed, IngestionJobOptions options)
    {
        if (claimed.Count == 0) return [];
        var jobs = Math.Max(Math.Min(claimed.Count, options.MaxConcurrency), (claimed.Count + options.DocumentsPerJob - 1) / options.DocumentsPerJob);
        var split = Enumerable.Range(0, jobs).Select(_ => new List<IngestionWork>()).ToList();
        for (var i = 0; i < claimed.Count; i++) split[i % jobs].Add(claimed[i]);
        return split;
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
        await dispatch.DispatchAsync(context.Scheduler, cancellationToken);
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
/// on this node, and nudges that arrive meanwhile make it run once more, since one run claims every queued
/// document at once.
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
            await dispatch.DispatchAsync(await schedulers.GetScheduler(ct), ct);
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
