using System.Globalization;
using Quartz;

namespace Portal.Web.Features.Documents.Ingestion;

/// <summary>
/// A few claimed document versions' ingestion as one Quartz job, run one after another. It asks for
/// recovery, so when its node dies mid-run another node (or this one, restarted) runs it again: documents
/// already finished are skipped, the one that was cut off starts again from the first step. Several
/// documents per job keep the job store's per-fire cost (a trigger, its lock, several round trips) off
/// the per-document path; every document still belongs to exactly one job.
/// </summary>
internal sealed class IngestDocumentJob(IServiceScopeFactory scopes, IngestionShutdown shutdown) : IJob
{
    public const string Group = "ingestion";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var works = Read(context.MergedJobDataMap);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, shutdown.Token);
        for (var i = 0; i < works.Count; i++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var orchestrator = scope.ServiceProvider.GetRequiredService<IngestionOrchestrator>();
            try
            {
                if (shutdown.Stopping.IsCancellationRequested) throw new OperationCanceledException(shutdown.Stopping);
                stop.Token.ThrowIfCancellationRequested();
                await orchestrator.RunAsync(works[i], context.Recovering, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested || shutdown.Stopping.IsCancellationRequested)
            {
                // Shutdown: the documents this job has not started go back to the dispatcher at once.
                foreach (var unstarted in works.Skip(i)) await orchestrator.HandBackUnstartedAsync(unstarted);
                return;
            }
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
