using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Portal.Documents.Ingestion;

/// <summary>
/// Dispatches right after an upload commits, in the process that accepted it, so the first document does not wait
/// for the next poll. Nudges coalesce: one dispatch runs at a time in this process, and nudges that arrive meanwhile
/// make it run once more, since one run fills every free worker.
/// </summary>
internal sealed partial class IngestionQueue(QueuedDocumentDispatch dispatch, IHostApplicationLifetime lifetime, ILogger<IngestionQueue> logger)
{
    private int _requested;
    private int _running;

    public Task NudgeAsync(CancellationToken ct)
    {
        Volatile.Write(ref _requested, 1);
        if (Interlocked.CompareExchange(ref _running, 1, 0) == 0) _ = Task.Run(DrainAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task DrainAsync()
    {
        do
        {
            try
            {
                while (Interlocked.Exchange(ref _requested, 0) == 1 && !lifetime.ApplicationStopping.IsCancellationRequested)
                    await DispatchOnceAsync(lifetime.ApplicationStopping);
            }
            finally { Volatile.Write(ref _running, 0); }
            // A nudge that arrived between the last check and the release above is not lost.
        } while (Volatile.Read(ref _requested) == 1 && Interlocked.CompareExchange(ref _running, 1, 0) == 0);
    }

    private async Task DispatchOnceAsync(CancellationToken ct)
    {
        try
        {
            await dispatch.DispatchAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: queued documents wait for the next poll on a node that serves the ingest queue.
        }
        catch (Exception e)
        {
            // The documents are already queued in the database; the dispatch poll picks them up.
            LogNudgeFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not dispatch after an upload; queued documents wait for the dispatch poll")]
    private partial void LogNudgeFailed(Exception exception);
}
