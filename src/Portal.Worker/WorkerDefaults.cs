using Portal.Jobs;

namespace Portal.Worker;

internal static class WorkerDefaults
{
    /// <summary>
    /// A worker serves every queue unless told otherwise (a web node defaults to ingest and maintenance), and answers its
    /// health endpoints on <see cref="WorkerArguments.DefaultPort"/> when no address is given.
    /// </summary>
    public static IServiceCollection AddWorkerDefaults(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrEmpty(configuration["Jobs:Queues"]))
            services.PostConfigure<JobsOptions>(o => o.Queues = string.Join(',', JobQueues.All));
        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["ASPNETCORE_URLS"]))
            services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(k =>
                k.ListenLocalhost(WorkerArguments.DefaultPort));
        return services;
    }
}
