using Microsoft.Extensions.Options;
using Portal.Web.Features.Documents.Ingestion;
using Quartz;

namespace Portal.Web.Features.Documents.Blobs;

/// <summary>The orphan blob sweep as a recurring Quartz job: on one node of the cluster at a time.</summary>
[DisallowConcurrentExecution]
internal sealed class SweepOrphanBlobsJob(OrphanBlobSweeper sweeper) : IJob
{
    public static readonly JobKey Key = new("sweep-orphan-blobs", "maintenance");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await sweeper.SweepAsync(cancellationToken);
}

/// <summary>Keeps the sweep's recurring trigger in step with <see cref="BlobSweepOptions.Interval"/>.</summary>
internal sealed class BlobSweepSchedule(ISchedulerFactory schedulers, IOptions<BlobSweepOptions> sweep, IOptions<IngestionJobOptions> jobs) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        // A node that serves only HTTP runs no scheduler and leaves the cluster's jobs alone.
        if (!jobs.Value.Enabled) return;
        var scheduler = await schedulers.GetScheduler(ct);
        if (!sweep.Value.Enabled)
        {
            // A scheduling node told to stop sweeping removes the trigger for the whole cluster.
            await scheduler.DeleteJob(SweepOrphanBlobsJob.Key, ct);
            return;
        }
        var key = new TriggerKey(SweepOrphanBlobsJob.Key.Name, SweepOrphanBlobsJob.Key.Group);
        // Kept as it is when the interval is unchanged, so nodes restarting more often than the interval do not postpone it.
        if (await scheduler.GetTrigger(key, ct) is ISimpleTrigger current && current.RepeatInterval == sweep.Value.Interval) return;
        var trigger = TriggerBuilder.Create()
            .WithIdentity(key)
            .ForJob(SweepOrphanBlobsJob.Key)
            .StartAt(DateTimeOffset.UtcNow + sweep.Value.Interval)
            .WithSimpleSchedule(s => s.WithInterval(sweep.Value.Interval).RepeatForever())
            .Build();
        await scheduler.ScheduleJob(
            JobBuilder.Create<SweepOrphanBlobsJob>().WithIdentity(SweepOrphanBlobsJob.Key).StoreDurably().Build(),
            [trigger], ScheduleJobOptions.Replacing, ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
