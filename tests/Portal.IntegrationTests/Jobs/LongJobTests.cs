using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using Portal.Jobs;

namespace Portal.IntegrationTests.Jobs;

/// <summary>
/// The invisibility timeout slides while a job's worker lives: a job that runs three times longer than the timeout is
/// not fetched again by another worker, so it runs once.
/// </summary>
public sealed class LongJobTests : IAsyncLifetime
{
    private readonly PortalDatabase _database = new();
    private PortalApp? _app;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new PortalApp(_database, new Dictionary<string, string?>
        {
            ["Jobs:InvisibilityTimeout"] = "00:00:05",
            ["Jobs:Queues"] = "maintenance",
            ["Jobs:Workers:maintenance"] = "3",
        });
        _ = _app.Services; // starts the host and its job servers
    }

    [Fact]
    public async Task A_job_running_longer_than_the_invisibility_timeout_runs_once_while_its_worker_lives()
    {
        var jobs = _app!.Services.GetRequiredService<IBackgroundJobClient>();
        var id = Guid.NewGuid();
        jobs.Create<LongRunningProbe>(p => p.RunAsync(id, CancellationToken.None), new EnqueuedState(JobQueues.Maintenance));

        await PortalProcess.WaitUntilAsync(() => Task.FromResult(LongRunningProbe.Finished.Contains(id) || LongRunningProbe.Runs(id) > 1),
            TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(3)); // another worker would have fetched it again by now

        LongRunningProbe.Runs(id).ShouldBe(1);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await _database.DisposeAsync();
    }
}

/// <summary>A job that takes 15 s and counts its runs by the id it was given.</summary>
public sealed class LongRunningProbe
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, int> RunsById = new();
    public static readonly System.Collections.Concurrent.ConcurrentBag<Guid> Finished = [];

    public static int Runs(Guid id) => RunsById.TryGetValue(id, out var n) ? n : 0;

    public async Task RunAsync(Guid id, CancellationToken cancellationToken)
    {
        RunsById.AddOrUpdate(id, 1, (_, n) => n + 1);
        await Task.Delay(TimeSpan.FromSeconds(15), cancellationToken);
        Finished.Add(id);
    }
}
