using System.Globalization;
using Quartz;

namespace Portal.Web.Features.Documents.Ingestion;

/// <summary>
/// An ingestion worker as one Quartz job: it runs the document version(s) it was scheduled with, then claims
/// the next queued document itself and runs that, until the queue is empty or the node stops. It asks for
/// recovery, so when its node dies mid-run another node (or this one, restarted) runs its own documents again:
/// documents already finished are skipped, the one that was cut off starts again from the first step. The
/// documents it claimed while running name its fire; once that fire is gone (ended, or recovered after a
/// crash) the next claim anywhere takes them over (<c>claim_queued_documents</c>). A document belongs to one
/// run at a time either way.
/// </summary>
internal sealed class IngestDocumentJob(
    IServiceScopeFactory scopes, IngestionShutdown shutdown, IngestionWorkers workers, QueuedDocumentDispatch dispatch) : IJob
{
    public const string Group = "ingestion";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var works = Read(context.MergedJobDataMap);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, shutdown.Token);
        workers.Started(context.JobDetail.Key.Name);
        var holdsSlot = true;
        try
        {
            for (var i = 0; i < works.Count; i++)
            {
                if (!await RunAsync(works[i], context.Recovering, stop, works.Skip(i))) return;
            }
            while (!shutdown.Stopping.IsCancellationRequested)
            {
                var next = await dispatch.ClaimNextAsync(context.FireInstanceId, stop.Token);
                if (next is null)
                {
                    // Give the slot up, then look once more: a document queued after the last claim but
                    // before this slot was free saw no free slot, and is taken here.
                    workers.Leaving();
                    holdsSlot = false;
                    next = await dispatch.ClaimNextAsync(context.FireInstanceId, stop.Token);
                    if (next is null) return;
                    workers.Staying();
                    holdsSlot = true;
                }
                if (!await RunAsync(next, takeOver: false, stop, [next])) return;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping while claiming: nothing was started, and a claim that went through is taken over once this fire is gone.
        }
        finally
        {
            if (holdsSlot) workers.Leaving();
        }
    }

    /// <summary>Runs one document; false when the node is stopping (and <paramref name="unstarted"/> went back to the dispatcher).</summary>
    private async Task<bool> RunAsync(IngestionWork work, bool takeOver, CancellationTokenSource stop, IEnumerable<IngestionWork> unstarted)
    {
        await using var scope = scopes.CreateAsyncScope();
        var orchestrator = scope.ServiceProvider.GetRequiredService<IngestionOrchestrator>();
        try
        {
            if (shutdown.Stopping.IsCancellationRequested) throw new OperationCanceledException(shutdown.Stopping);
            stop.Token.ThrowIfCancellationRequested();
            await orchestrator.RunAsync(work, takeOver, stop.Token);
            return true;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested || shutdown.Stopping.IsCancellationRequested)
        {
            // Shutdown: the documents this job has not started go back to the dispatcher at once.
            foreach (var document in unstarted) await orchestrator.HandBackUnstartedAsync(document);
            return false;
        }
    }

    public static IJobDetail For(IReadOnlyList<IngestionWork> works) =>
        JobBuilder.Create<IngestDocumentJob>()
            // A fresh key per dispatch: the claim in the database, not the key, prevents duplicates.
            .WithIdentity($"documents-{works[0].DocumentId:N}-{works.Count}-{Guid.NewGuid():N}", Group)
            .UsingJobData("documents", string.Join(';', works.Select(w =>
                string.Create(CultureInfo.InvariantCulture, $"{w.TenantId}/{w.DocumentId}/{w.Version}"))))
            .RequestRecovery()
            .Build();

    private static List<IngestionWork> Read(JobDataMap data)
    {
        // Jobs stored before several documents per job carry one document in three fields.
        if (data.ContainsKey("documentId"))
            return [new IngestionWork(Guid.Parse(data.GetString("tenantId")!), Guid.Parse(data.GetString("documentId")!),
                int.Parse(data.GetString("version")!, CultureInfo.InvariantCulture))];
        return [.. data.GetString("documents")!.Split(';').Select(w => w.Split('/')).Select(p =>
            new IngestionWork(Guid.Parse(p[0]), Guid.Parse(p[1]), int.Parse(p[2], CultureInfo.InvariantCulture)))];
    }
}
