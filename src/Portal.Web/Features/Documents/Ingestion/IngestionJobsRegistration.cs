using Microsoft.Extensions.Options;
using Quartz;

namespace Portal.Web.Features.Documents.Ingestion;

/// <summary>
/// Quartz.NET on the ADO.NET job store in our own PostgreSQL database, clustered: every node runs
/// the dispatcher and ingestion jobs, and a node that dies has its in-flight jobs recovered by another.
/// </summary>
internal static class IngestionJobsRegistration
{
    public static IServiceCollection AddIngestionJobs(this IServiceCollection services)
    {
        services.AddOptions<IngestionJobOptions>().BindConfiguration("Ingestion:Jobs").ValidateDataAnnotations().ValidateOnStart();
        services.AddQuartz(q =>
        {
            q.UsePersistentStore(store =>
            {
                // Resolved when the store is built, so tests and hosts can set the connection string late.
                store.UsePostgres(o => o.ConnectionStringName = "Portal");
                store.UseSystemTextJsonSerializer();
                store.ConfigureStore(o => o.StoreJobDataAsStrings = true);
                store.UseClustering();
            });
        });
        services.AddOptions<ClusteringOptions>().Configure<IOptions<IngestionJobOptions>>((c, jobs) =>
        {
            c.CheckinInterval = jobs.Value.ClusterCheckinInterval;
            c.CheckinMisfireThreshold = jobs.Value.ClusterCheckinMisfireThreshold;
        });
        services.AddOptions<ThreadPoolOptions>().Configure<IOptions<IngestionJobOptions>>((t, jobs) =>
            t.MaxConcurrency = jobs.Value.MaxConcurrency);
        services.AddOptions<QuartzOptions>().Configure<IOptions<IngestionJobOptions>>((q, jobs) =>
        {
            // One scheduler loop acquires as many due triggers as there are free threads (under the store's lock),
            // instead of one trigger and several database round trips per document.
            q.Properties["quartz.scheduler.batchTriggerAcquisitionMaxCount"] = jobs.Value.MaxConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture);
            q.Properties["quartz.jobStore.acquireTriggersWithinLock"] = "true";
        });
        services.AddOptions<QuartzHostedServiceOptions>().Configure<IOptions<IngestionJobOptions>>((h, jobs) =>
        {
            // SIGTERM lets running documents finish; a job still running when the host gives up is recovered on restart.
            h.WaitForJobsToComplete = true;
            h.AutoStart = jobs.Value.Enabled;
        });
        services.AddQuartzHostedService();
        services.AddHostedService<DispatcherSchedule>();
        return services;
    }
}
