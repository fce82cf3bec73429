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
    NpgsqlDataSource dataSource, IOptions<IngestionJobOptions> options, ILogger<DispatchQueuedDocumentsJob> logger) : IJob
{
    public static readonly JobKey Key = new("dispatch-queued-documents", IngestDocumentJob.Group);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
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
        foreach (var work in claimed)
            await context.Scheduler.ScheduleJob(IngestDocumentJob.For(work),
                TriggerBuilder.Create().StartNow().Build(), new ScheduleJobOptions(), cancellationToken);
        if (claimed.Count > 0) LogDispatched(claimed.Count);
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

/// <summary>Asks the dispatcher to run now, so an upload does not wait for the next interval.</summary>
internal sealed partial class IngestionQueue(ISchedulerFactory schedulers, ILogger<IngestionQueue> logger)
{
    public async Task NudgeAsync(CancellationToken ct)
    {
        try
        {
            var scheduler = await schedulers.GetScheduler(ct);
            await scheduler.TriggerJob(DispatchQueuedDocumentsJob.Key, ct);
        }
        catch (SchedulerException e)
        {
            // The documents are already queued in the database; the recurring dispatch picks them up.
            LogNudgeFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not nudge the dispatcher; queued documents wait for its next run")]
    private partial void LogNudgeFailed(Exception exception);
}
