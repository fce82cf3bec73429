using Microsoft.Extensions.Options;

namespace Portal.Web.Features.Documents.Ingestion;

/// <summary>
/// On SIGTERM the scheduler stops starting documents and waits for running ones; a document still running
/// <see cref="IngestionJobOptions.ShutdownGrace"/> after the stop began is cancelled, and the orchestrator
/// hands it back to the queue, so the process exits inside the host's shutdown timeout and no document is
/// left mid-step waiting for cluster recovery.
/// </summary>
internal sealed class IngestionShutdown : IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    public IngestionShutdown(IHostApplicationLifetime lifetime, IOptions<IngestionJobOptions> options) =>
        lifetime.ApplicationStopping.Register(() => _stop.CancelAfter(options.Value.ShutdownGrace));

    /// <summary>Cancelled once the grace period after the stop began has passed.</summary>
    public CancellationToken Token => _stop.Token;

    public void Dispose() => _stop.Dispose();
}
