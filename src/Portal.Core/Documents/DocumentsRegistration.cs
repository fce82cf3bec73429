using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portal.Documents.Blobs;
using Portal.Documents.Ingestion;
using Portal.Documents.Uploads;
using Portal.Jobs;
using Portal.KnowledgeBases;

namespace Portal.Documents;

public static class DocumentsRegistration
{
    /// <summary>Knowledge bases, uploads, the blob store and the ingestion pipeline with its jobs: on web and worker nodes alike.</summary>
    public static IServiceCollection AddPortalDocuments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPortalIngestion(configuration);
        services.AddOptions<BlobStoreOptions>().BindConfiguration("Blobs").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<UploadOptions>().BindConfiguration("Ingestion:Uploads").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IBlobStore, FileSystemBlobStore>();
        services.AddOptions<BlobSweepOptions>().BindConfiguration("Blobs:Sweep").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OrphanBlobSweeper>();
        services.AddTransient<SweepOrphanBlobsJob>();
        services.AddSingleton<IRecurringJobSchedule, BlobSweepSchedule>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddScoped<KnowledgeBaseService>();
        services.AddScoped<DocumentRemoval>();
        services.AddScoped<DocumentIntake>();
        services.AddScoped<IngestionOrchestrator>();
        // The order of registration is the order the orchestrator runs the steps in.
        services.AddScoped<IIngestionStep, ParseStep>();
        services.AddScoped<IIngestionStep, ChunkStep>();
        services.AddScoped<IIngestionStep, IndexStep>();
        services.AddIngestionJobs();
        return services;
    }
}
