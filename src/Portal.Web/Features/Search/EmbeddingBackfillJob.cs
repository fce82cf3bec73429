using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Portal.Search;
using Portal.Web.Features.Documents.Ingestion;
using Quartz;

namespace Portal.Web.Features.Search;

/// <summary>
/// Embeds what the vector index lacks: chunks indexed before the embedding step existed, and every
/// chunk of a knowledge base whose embedder changed (into a new generation, switched when complete).
/// One run at a time across the cluster.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class EmbeddingBackfillJob(EmbeddingBackfill backfill, ILogger<EmbeddingBackfillJob> logger) : IJob
{
    public static readonly JobKey Key = new("embedding-backfill", "search");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var embedded = await backfill.RunAsync(cancellationToken);
        if (embedded > 0) LogEmbedded(embedded);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedding backfill embedded {Chunks} chunks")]
    private partial void LogEmbedded(int chunks);
}

/// <summary>The <c>Search:Backfill</c> section.</summary>
internal sealed class EmbeddingBackfillOptions
{
    /// <summary>How often the backfill looks for work it was not asked for (a changed embedder asks at once).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>Keeps the backfill's recurring trigger in step with <see cref="EmbeddingBackfillOptions.Interval"/>.</summary>
internal sealed class EmbeddingBackfillSchedule(ISchedulerFactory schedulers, IOptions<EmbeddingBackfillOptions> options,
    IOptions<IngestionJobOptions> jobs) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (!jobs.Value.Enabled) return;
        var scheduler = await schedulers.GetScheduler(ct);
        var trigger = TriggerBuilder.Create()
            .WithIdentity("embedding-backfill", "search")
            .ForJob(EmbeddingBackfillJob.Key)
            .StartAt(DateTimeOffset.UtcNow.Add(options.Value.Interval))
            .WithSimpleSchedule(s => s.WithInterval(options.Value.Interval).RepeatForever())
            .Build();
        await scheduler.ScheduleJob(
            JobBuilder.Create<EmbeddingBackfillJob>().WithIdentity(EmbeddingBackfillJob.Key).StoreDurably().Build(),
            [trigger], ScheduleJobOptions.Replacing, ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}

/// <summary>Asks the backfill to run once the current request's transaction has committed.</summary>
internal sealed partial class EmbeddingBackfillQueue(ISchedulerFactory schedulers, IHttpContextAccessor http, ILogger<EmbeddingBackfillQueue> logger)
{
    public void RunAfterCommit()
    {
        // The tenant transaction commits after the handler returns; a run started before that would not see the change.
        if (http.HttpContext is { } context) context.Response.OnCompleted(() => NudgeAsync(CancellationToken.None));
    }

    public async Task NudgeAsync(CancellationToken ct)
    {
        try
        {
            var scheduler = await schedulers.GetScheduler(ct);
            await scheduler.TriggerJob(EmbeddingBackfillJob.Key, ct);
        }
        catch (SchedulerException e)
        {
            // The change is stored; the recurring run picks it up.
            LogNudgeFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not start the embedding backfill; its next recurring run will")]
    private partial void LogNudgeFailed(Exception exception);
}

internal static class EmbeddingBackfillRegistration
{
    public static IServiceCollection AddEmbeddingBackfillJob(this IServiceCollection services)
    {
        services.AddOptions<EmbeddingBackfillOptions>().BindConfiguration("Search:Backfill").ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<EmbeddingBackfillQueue>();
        services.AddHostedService<EmbeddingBackfillSchedule>();
        return services;
    }
}
