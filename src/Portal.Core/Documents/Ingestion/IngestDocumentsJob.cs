using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Documents.Ingestion;

/// <summary>
/// An ingestion worker as one Hangfire job on the ingest queue: it runs the document version(s) it was enqueued
/// with, then claims the next queued document itself and runs that, until the queue is empty or the node stops. Its
/// arguments are ids only. It holds a lease while it runs (<see cref="IngestionLeases"/>), and every document it
/// starts names that lease, so when its node dies mid-document the next claim anywhere takes the document over and
/// starts it again from the first step. A document belongs to one run at a time: only one run moves it out of Queued.
/// </summary>
internal sealed class IngestDocumentsJob(IServiceScopeFactory scopes, IngestionShutdown shutdown, QueuedDocumentDispatch dispatch,
    IngestionLeases leases)
{
    // Failures are retried by the orchestrator with its own back-off, per document; the job itself is never retried.
    // Hangfire's token is not used: it fires as soon as the node stops, and a document in flight gets the grace period.
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task RunAsync(IngestionWork[] documents, CancellationToken cancellationToken)
    {
        if (shutdown.Stopping.IsCancellationRequested) return;
        await using var lease = await leases.AcquireAsync(shutdown.Token);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown.Token);
        try
        {
            for (var i = 0; i < documents.Length; i++)
            {
                if (!await RunAsync(documents[i], lease.Claimant, stop, documents.Skip(i))) return;
            }
            while (!shutdown.Stopping.IsCancellationRequested)
            {
                var next = await dispatch.ClaimNextAsync(lease.Claimant, stop.Token);
                if (next is null) return;
                if (!await RunAsync(next, lease.Claimant, stop, [next])) return;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping while claiming: nothing was started, and a claim that went through is taken over once the lease lapses.
        }
    }

    /// <summary>Runs one document; false when the node is stopping (and <paramref name="unstarted"/> went back to the dispatcher).</summary>
    private async Task<bool> RunAsync(IngestionWork work, string claimant, CancellationTokenSource stop, IEnumerable<IngestionWork> unstarted)
    {
        await using var scope = scopes.CreateAsyncScope();
        var orchestrator = scope.ServiceProvider.GetRequiredService<IngestionOrchestrator>();
        try
        {
            if (shutdown.Stopping.IsCancellationRequested) throw new OperationCanceledException(shutdown.Stopping);
            stop.Token.ThrowIfCancellationRequested();
            await orchestrator.RunAsync(work, claimant, stop.Token);
            return true;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested || shutdown.Stopping.IsCancellationRequested)
        {
            // Shutdown: the documents this job has not started go back to the dispatcher at once.
            foreach (var document in unstarted) await orchestrator.HandBackUnstartedAsync(document);
            return false;
        }
    }
}
