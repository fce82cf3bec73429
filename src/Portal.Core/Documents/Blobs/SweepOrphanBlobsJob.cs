using Hangfire;
using Microsoft.Extensions.Options;
using Portal.Jobs;

namespace Portal.Documents.Blobs;

/// <summary>The orphan blob sweep as a recurring Hangfire job on the maintenance queue: once per interval across all nodes.</summary>
internal sealed class SweepOrphanBlobsJob(OrphanBlobSweeper sweeper)
{
    public const string Id = "sweep-orphan-blobs";

    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken cancellationToken) => await sweeper.SweepAsync(cancellationToken);
}

/// <summary>Keeps the sweep's recurring job in step with <see cref="BlobSweepOptions"/>; a node told to stop sweeping removes it for all.</summary>
internal sealed class BlobSweepSchedule(IOptions<BlobSweepOptions> sweep) : IRecurringJobSchedule
{
    public void Apply(IRecurringJobManager manager)
    {
        if (!sweep.Value.Enabled)
        {
            manager.RemoveIfExists(SweepOrphanBlobsJob.Id);
            return;
        }
        manager.AddOrUpdate<SweepOrphanBlobsJob>(SweepOrphanBlobsJob.Id, JobQueues.Maintenance,
            j => j.RunAsync(CancellationToken.None), Intervals.ToCron(sweep.Value.Interval, "Blobs:Sweep:Interval"));
    }
}
