using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Web.Features.Documents.Blobs;
using Portal.Web.Features.Documents.Ingestion;
using Portal.Web.Features.Documents.Uploads;
using Portal.Web.Features.KnowledgeBases;

namespace Portal.Web.Features.Documents;

internal static class DocumentsRegistration
{
    /// <summary>Knowledge bases, uploads, the blob store and the ingestion pipeline with its jobs.</summary>
    public static WebApplicationBuilder AddPortalDocuments(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddPortalIngestion(builder.Configuration);
        services.AddOptions<BlobStoreOptions>().BindConfiguration("Blobs").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<UploadOptions>().BindConfiguration("Ingestion:Uploads").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IBlobStore, FileSystemBlobStore>();
        services.AddOptions<BlobSweepOptions>().BindConfiguration("Blobs:Sweep").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OrphanBlobSweeper>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddScoped<KnowledgeBaseService>();
        services.AddScoped<DocumentRemoval>();
        services.AddScoped<DocumentIntake>();
        services.AddScoped<IngestionOrchestrator>();
        // The order of registration is the order the orchestrator runs the steps in.
        services.AddScoped<IIngestionStep, ParseStep>();
        services.AddScoped<IIngestionStep, ChunkStep>();
        services.AddScoped<IIngestionStep, IndexStep>();
        services.AddSingleton<QueuedDocumentDispatch>();
        services.AddSingleton<IngestionWorkers>();
        services.AddSingleton<IngestionQueue>();
        services.AddSingleton<IngestionShutdown>();
        services.AddIngestionJobs();
        services.AddHostedService<BlobSweepSchedule>();
        return builder;
    }
}
