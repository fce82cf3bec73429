using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Portal.Jobs;

/// <summary>
/// Hangfire on its PostgreSQL storage in Portal's own database (schema <c>hangfire</c>, installed by the migrations as
/// the owner, never at start-up by the app role). Every host (web node, worker node) calls this; which queues a node
/// serves is <see cref="JobsOptions"/>'s. See docs/adr/0009-jobs-on-hangfire.md.
/// </summary>
public static class JobsRegistration
{
    public const string Schema = "hangfire";

    public static IServiceCollection AddPortalJobs(this IServiceCollection services)
    {
        services.AddOptions<JobsOptions>().BindConfiguration("Jobs").ValidateDataAnnotations().ValidateOnStart();
        // Stopping nodes let every queue's running jobs finish side by side, inside one shutdown timeout.
        services.Configure<HostOptions>(o => o.ServicesStopConcurrently = true);
        // The storage and the activator are this host's own, not Hangfire's process-wide defaults (JobStorage.Current,
        // JobActivator.Current): a process that hosts several nodes (the test suites do) keeps each on its own database
        // and its own services.
        services.AddSingleton<JobStorage>(sp =>
        {
            var storage = StorageOptions(sp.GetRequiredService<IOptions<JobsOptions>>().Value);
            // Read when the storage is built, so hosts and tests can set the connection string late.
            var connectionString = sp.GetRequiredService<IConfiguration>().GetConnectionString("Portal")
                ?? throw new InvalidOperationException("ConnectionStrings:Portal is not configured.");
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storage), storage);
        });
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HostLogProvider(sp.GetRequiredService<ILoggerFactory>()))
            .UseStorage(sp.GetRequiredService<JobStorage>()));
        services.AddHostedService<JobServers>();
        return services;
    }

    internal static PostgreSqlStorageOptions StorageOptions(JobsOptions jobs) => new()
    {
        SchemaName = Schema,
        PrepareSchemaIfNecessary = false,
        // LISTEN/NOTIFY: an enqueue on any node wakes an idle worker of that queue at once instead of at the next poll.
        EnableLongPolling = true,
        QueuePollInterval = jobs.PollInterval,
        InvisibilityTimeout = jobs.InvisibilityTimeout,
        UseSlidingInvisibilityTimeout = true,
    };
}
