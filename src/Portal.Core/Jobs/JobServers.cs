using Hangfire;
using Hangfire.Common;
using Hangfire.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Portal.Documents.Ingestion;

namespace Portal.Jobs;

/// <summary>
/// One Hangfire server per queue this node serves, each with its own workers, so a long maintenance or training job
/// never holds up ingestion and a server never lists a queue it should not run. Created at start from
/// <see cref="JobsOptions"/>; none when <see cref="JobsOptions.Server"/> is off (the node still enqueues).
/// </summary>
internal sealed partial class JobServers(IServiceProvider services, IOptions<JobsOptions> options, IOptions<IngestionJobOptions> ingestion,
    NpgsqlDataSource dataSource, ILogger<JobServers> logger) : IHostedService, IDisposable
{
    private readonly List<BackgroundJobServer> _servers = [];
    private readonly CancellationTokenSource _stopping = new();
    private Task _starting = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Server) _starting = Task.Run(() => StartWhenStorageIsReadyAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A node may start before the migrations that install the job storage have run (a worker beside a web node that
    /// is still migrating): its servers start once the storage is there, and the host answers health checks meanwhile.
    /// </summary>
    private async Task StartWhenStorageIsReadyAsync(CancellationToken ct)
    {
        var waited = false;
        while (!await StorageReadyAsync(ct))
        {
            if (!waited) LogWaitingForStorage();
            waited = true;
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
        lock (_servers)
        {
            if (ct.IsCancellationRequested) return;
            RecurringJobSchedules.Apply(services);
            StartServers();
        }
    }

    private async Task<bool> StorageReadyAsync(CancellationToken ct)
    {
        try
        {
            await using var cmd = dataSource.CreateCommand($"SELECT to_regclass('{JobsRegistration.Schema}.jobqueue') IS NOT NULL");
            return (bool)(await cmd.ExecuteScalarAsync(ct))!;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    private void StartServers()
    {
        var jobs = options.Value;
        // Applies Hangfire's serializer settings before the first job is read.
        services.GetRequiredService<IGlobalConfiguration>();
        var storage = services.GetRequiredService<JobStorage>();
        foreach (var queue in jobs.QueueList)
        {
            var server = new BackgroundJobServerOptions
            {
                ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:{queue}",
                Queues = [queue],
                WorkerCount = WorkersFor(queue, jobs),
                ShutdownTimeout = jobs.ShutdownTimeout,
                SchedulePollingInterval = TimeSpan.FromSeconds(1),
                Activator = services.GetRequiredService<JobActivator>(),
                FilterProvider = services.GetService<IJobFilterProvider>(),
            };
            // Processes registered by features run once per node, beside the first server.
            var processes = _servers.Count == 0 ? services.GetServices<IBackgroundProcess>() : [];
            _servers.Add(new BackgroundJobServer(server, storage, processes));
            LogServing(queue, server.WorkerCount);
        }
    }

    private int WorkersFor(string queue, JobsOptions jobs) =>
        jobs.Workers.TryGetValue(queue, out var count) ? count
        : queue == JobQueues.Ingest ? ingestion.Value.MaxConcurrency
        : 1;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        try { await _starting; } catch (OperationCanceledException) { }
        BackgroundJobServer[] servers;
        lock (_servers) servers = [.. _servers];
        foreach (var server in servers) server.SendStop();
        await Task.WhenAll(servers.Select(s => s.WaitForShutdownAsync(cancellationToken)));
    }

    public void Dispose()
    {
        foreach (var server in _servers) server.Dispose();
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving the {Queue} queue with {Workers} workers")]
    private partial void LogServing(string queue, int workers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for the job storage; the migrations install it")]
    private partial void LogWaitingForStorage();
}
