using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Portal.Documents.Ingestion;

/// <summary>
/// On SIGTERM the scheduler stops firing jobs, running jobs start no further document (they hand the rest of
/// their list back to the dispatcher), and the documents in flight get to finish. One still running
/// <see cref="IngestionJobOptions.ShutdownGrace"/> after the stop began is cancelled and the orchestrator hands
/// it back to the queue, so the process exits inside the host's shutdown timeout and no document is left
/// mid-step waiting for cluster recovery.
/// </summary>
internal sealed class IngestionShutdown : IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    public IngestionShutdown(IHostApplicationLifetime lifetime, IOptions<IngestionJobOptions> options)
    {
        Stopping = lifetime.ApplicationStopping;
        Stopping.Register(() => _stop.CancelAfter(options.Value.ShutdownGrace));
    }

    /// <summary>Cancelled when the stop begins: no job starts another document after this.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>Cancelled once the grace period after the stop began has passed: documents still running are handed back.</summary>
    public CancellationToken Token => _stop.Token;

    public void Dispose() => _stop.Dispose();
}
