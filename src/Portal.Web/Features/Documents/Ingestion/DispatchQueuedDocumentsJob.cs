using Microsoft.Extensions.Options;
using Npgsql;
using Quartz;

namespace Portal.Web.Features.Documents.Ingestion;

/// <summary>
/// The outbox relay: claims queued documents across tenants (through the narrow
/// <c>claim_queued_documents</c> function, never a role that bypasses row-level security) and
/// schedules one ingestion job for each. Runs on one node at a time in the cluster.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class DispatchQueuedDocumentsJob(
    NpgsqlDataSource dataSource, IngestionQueue queue, IOptions<IngestionJobOptions> options, ILogger<DispatchQueuedDocumentsJob> logger) : IJob
{
    public static readonly JobKey Key = new("dispatch-queued-documents", IngestDocumentJob.Group);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        // Before the claim: an upload that commits after this point nudges again and gets its own run.
        queue.DispatchStarted();
        var claimed = new List<IngestionWork>();
        await using (var cmd = dataSource.CreateCommand("SELECT tenant_id, document_id, version FROM claim_queued_documents($1, $2)"))
        {
            cmd.Parameters.AddWithValue(options.Value.DispatchBatchSize);
            cmd.Parameters.AddWithValue(options.Value.RedispatchAfter);
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                claimed.Add(new IngestionWork(reader.GetGuid(0), reader.GetGuid(1), reader.GetInt32(2)));
        }
        // A claim whose job is never scheduled (this node dies right here) is claimed again after RedispatchAfter.
        foreach (var works in Split(claimed, options.Value))
            await context.Scheduler.ScheduleJob(IngestDocumentJob.For(works),
                TriggerBuilder.Create().StartNow().Build(), new ScheduleJobOptions(), cancellationToken);
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
/// Asks the dispatcher to run now, so an upload does not wait for the next interval. Nudges coalesce: while
/// one run is asked for and has not started, further uploads add nothing, because that run claims every
/// queued document at once. (Each run costs a trigger, a thread and the job store's lock, which a burst of
/// uploads would otherwise take from the documents themselves.)
/// </summary>
internal sealed partial class IngestionQueue(ISchedulerFactory schedulers, ILogger<IngestionQueue> logger)
{
    private int _requested;

    public async Task NudgeAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _requested, 1) == 1) return;
        try
        {
            var scheduler = await schedulers.GetScheduler(ct);
            await scheduler.TriggerJob(DispatchQueuedDocumentsJob.Key, ct);
        }
        catch (SchedulerException e)
        {
            // The documents are already queued in the database; the recurring dispatch picks them up.
            Volatile.Write(ref _requested, 0);
            LogNudgeFailed(e);
        }
    }

    /// <summary>Called by every dispatcher run (nudged or recurring) before it claims.</summary>
    public void DispatchStarted() => Volatile.Write(ref _requested, 0);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not nudge the dispatcher; queued documents wait for its next run")]
    private partial void LogNudgeFailed(Exception exception);
}
