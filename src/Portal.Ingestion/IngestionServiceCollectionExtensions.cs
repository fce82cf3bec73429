using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Documents;
using Portal.Documents.Parsing;
using Portal.Documents.Sandbox;

namespace Portal;

public static class IngestionServiceCollectionExtensions
{
    /// <summary>
    /// Registers the sandboxed document parser and its options, bound from the <c>Ingestion</c> section
    /// (<c>Ingestion:Limits</c>, <c>Ingestion:Ocr</c>, <c>Ingestion:Sandbox</c>) and validated at start-up.
    /// </summary>
    public static IServiceCollection AddPortalIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection("Ingestion");
        services.AddOptions<IngestionLimits>().Bind(section.GetSection("Limits")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OcrOptions>().Bind(section.GetSection("Ocr")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ParserSandboxOptions>().Bind(section.GetSection("Sandbox")).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SandboxedDocumentParser>();
        services.AddSingleton<IDocumentParser>(sp => sp.GetRequiredService<SandboxedDocumentParser>());
        return services;
    }
}
