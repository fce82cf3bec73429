using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Documents.Ingestion;

/// <summary>
/// An ingestion worker as one Hangfire job on the ingest queue. It carries no arguments: it takes a lease
/// (<see cref="IngestionLeases"/>), claims the next due document in the lease's name and runs it, and goes on until
/// nothing is left or the node stops. When its node dies mid-document the lease lapses, and the next claim anywhere takes
/// the document over and starts it again from the first step. A document belongs to one run at a time: only one run
/// moves it out of Queued.
/// </summary>
internal sealed class IngestDocumentsJob(IServiceScopeFactory scopes, IngestionShutdown shutdown, QueuedDocumentDispatch dispatch,
    IngestionLeases leases)
{
    // Failures are retried by the orchestrator with its own back-off, per document; the job itself is never retried.
    // Hangfire's token is not used: it fires as soon as the node stops, and a document in flight gets the grace period.
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (shutdown.Stopping.IsCancellationRequested) return;
        await using var lease = await leases.AcquireAsync(shutdown.Token);
        try
        {
            while (!shutdown.Stopping.IsCancellationRequested)
            {
                var next = await dispatch.ClaimNextAsync(lease.Claimant, shutdown.Token);
                if (next is null || !await RunAsync(next, lease.Claimant)) return;
            }
        }
        catch (OperationCanceledException) when (shutdown.Token.IsCancellationRequested)
        {
            // Stopping while claiming: nothing was started, and a claim that went through is taken over once the lease lapses.
        }
    }

    /// <summary>Runs one document; false when the node is stopping (and a document not yet started went back to the queue).</summary>
    private async Task<bool> RunAsync(IngestionWork work, string claimant)
    {
        await using var scope = scopes.CreateAsyncScope();
        var orchestrator = scope.ServiceProvider.GetRequiredService<IngestionOrchestrator>();
        try
        {
            if (shutdown.Stopping.IsCancellationRequested) throw new OperationCanceledException(shutdown.Stopping);
            await orchestrator.RunAsync(work, claimant, shutdown.Token);
            return true;
        }
        catch (OperationCanceledException) when (shutdown.Token.IsCancellationRequested || shutdown.Stopping.IsCancellationRequested)
        {
            await orchestrator.HandBackUnstartedAsync(work);
            return false;
        }
    }
}
