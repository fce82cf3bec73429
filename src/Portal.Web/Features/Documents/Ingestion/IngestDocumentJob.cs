using Quartz;

namespace Portal.Web.Features.Documents.Ingestion;

/// <summary>
/// One document version's ingestion as a Quartz job. It asks for recovery, so when its node dies
/// mid-run another node (or this one, restarted) runs it again from the first step.
/// </summary>
internal sealed class IngestDocumentJob(IServiceScopeFactory scopes) : IJob
{
    public const string Group = "ingestion";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var data = context.MergedJobDataMap;
        var work = new IngestionWork(
            Guid.Parse(data.GetString("tenantId")!), Guid.Parse(data.GetString("documentId")!), int.Parse(data.GetString("version")!));
        await using var scope = scopes.CreateAsyncScope();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(
            cancellationToken, scope.ServiceProvider.GetRequiredService<IngestionShutdown>().Token);
        await scope.ServiceProvider.GetRequiredService<IngestionOrchestrator>().RunAsync(work, context.Recovering, stop.Token);
    }

    public static IJobDetail For(IngestionWork work) =>
        JobBuilder.Create<IngestDocumentJob>()
            // A fresh key per dispatch: the claim in the database, not the key, prevents duplicates.
            .WithIdentity($"document-{work.DocumentId:N}-v{work.Version}-{Guid.NewGuid():N}", Group)
            .UsingJobData("tenantId", work.TenantId.ToString())
            .UsingJobData("documentId", work.DocumentId.ToString())
            .UsingJobData("version", work.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .RequestRecovery()
            .Build();
}
