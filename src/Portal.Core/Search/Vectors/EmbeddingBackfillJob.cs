using System.ComponentModel.DataAnnotations;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Jobs;

namespace Portal.Search.Vectors;

/// <summary>
/// Embeds what the vector index lacks: chunks indexed before the embedding step existed, and every chunk of a
/// knowledge base whose embedder changed (into a new generation, switched when complete). A recurring Hangfire job on
/// the maintenance queue, one run at a time across the cluster.
/// </summary>
internal sealed partial class EmbeddingBackfillJob(EmbeddingBackfill backfill, ILogger<EmbeddingBackfillJob> logger)
{
    public const string Id = "embedding-backfill";

    [DisableConcurrentExecution(timeoutInSeconds: 3600)]
    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(CancellationToken cancellationToken)
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
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);
}

internal sealed class EmbeddingBackfillSchedule(IOptions<EmbeddingBackfillOptions> options) : IRecurringJobSchedule
{
    public void Apply(IRecurringJobManager manager) =>
        manager.AddOrUpdate<EmbeddingBackfillJob>(EmbeddingBackfillJob.Id, JobQueues.Maintenance,
            j => j.RunAsync(CancellationToken.None), Intervals.ToCron(options.Value.Interval, "Search:Backfill:Interval"));
}

/// <summary>Asks the backfill to run once the current transaction has committed.</summary>
internal sealed partial class EmbeddingBackfillQueue(IBackgroundJobClient jobs, AfterCommit afterCommit, ILogger<EmbeddingBackfillQueue> logger)
{
    // A run enqueued before the commit would not see the change it is asked for.
    public void RunAfterCommit() => afterCommit.Add(Nudge);

    public void Nudge()
    {
        try
        {
            jobs.Create<EmbeddingBackfillJob>(j => j.RunAsync(CancellationToken.None), new EnqueuedState(JobQueues.Maintenance));
        }
        catch (Exception e)
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
        services.AddTransient<EmbeddingBackfillJob>();
        services.AddSingleton<IRecurringJobSchedule, EmbeddingBackfillSchedule>();
        return services;
    }
}
