using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Jobs;

namespace Portal.Documents.Ingestion;

/// <summary>Ingestion's jobs on the ingest queue: the dispatch after uploads, the dispatch poll and the ingestion job itself.</summary>
internal static class IngestionJobsRegistration
{
    public static IServiceCollection AddIngestionJobs(this IServiceCollection services)
    {
        services.AddOptions<IngestionJobOptions>().BindConfiguration("Ingestion:Jobs").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<QueuedDocumentDispatch>();
        services.AddSingleton<IngestionQueue>();
        services.AddSingleton<IngestionLeases>();
        services.AddSingleton<IngestionShutdown>();
        services.AddTransient<IngestDocumentsJob>();
        services.AddHostedService<IngestionDispatchPoll>();
        return services;
    }
}

/// <summary>
/// On a node that serves the ingest queue, dispatches every <see cref="IngestionJobOptions.DispatchInterval"/>: picks up
/// what no upload's dispatch did (retries after their back-off, documents whose job never started, documents of a dead
/// node). Every such node polls; the claim skips rows another claim holds, so they never take the same document.
/// </summary>
internal sealed partial class IngestionDispatchPoll(QueuedDocumentDispatch dispatch, IOptions<IngestionJobOptions> options,
    IOptions<JobsOptions> jobs, ILogger<IngestionDispatchPoll> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!jobs.Value.Serves(JobQueues.Ingest)) return;
        using var timer = new PeriodicTimer(options.Value.DispatchInterval);
        do
        {
            try
            {
                await dispatch.DispatchAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database may be restarting; the next tick tries again.
                LogPollFailed(e);
            }
        } while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The ingestion dispatch poll failed; it tries again at its next tick")]
    private partial void LogPollFailed(Exception exception);
}
