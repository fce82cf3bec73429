using System.Diagnostics;
using Portal.Jobs;

namespace Portal.Bench.Ingestion;

/// <summary>
/// Worker node processes (<c>Portal.Worker</c>) on the ingest and maintenance queues of one database and blob store,
/// all with the same timeouts. Every node started is stopped (SIGKILL) when this is disposed.
/// </summary>
internal sealed class WorkerNodes(ThrowawayDatabase database, string blobs, TakeoverTimeouts timeouts, int rounds) : IAsyncDisposable
{
    private readonly List<Process> _started = [];

    /// <summary>Starts a node and returns once its Hangfire servers have announced themselves.</summary>
    public async Task<Process> StartAsync()
    {
        var settings = timeouts.Settings;
        settings["Jobs__Queues"] = $"{JobQueues.Ingest},{JobQueues.Maintenance}";
        // Every round leaves its sleeping maintenance job on the survivor: one maintenance worker per round, and spare.
        settings["Jobs__Workers__maintenance"] = (rounds + 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var node = EndToEndBench.StartApp(database, blobs, out var port, "Portal.Worker", settings);
        _started.Add(node);
        using var health = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await EndToEndBench.WaitReadyAsync(health, node);
        for (var i = 0; i < 600; i++)
        {
            if (await database.ScalarAsync<long>($"SELECT count(*) FROM {JobsRegistration.Schema}.server WHERE id ILIKE '%:{node.Id}:%'") >= 2)
                return node;
            await Task.Delay(100);
        }
        throw new TimeoutException($"worker {node.Id} did not start its Hangfire servers");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _started)
        {
            if (!node.HasExited) node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
            node.Dispose();
        }
    }
}
