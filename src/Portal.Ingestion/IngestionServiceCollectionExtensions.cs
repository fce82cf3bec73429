using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
        // A factory, because the convenience constructor (plain option objects) would make activation ambiguous.
        services.AddSingleton(sp => new SandboxedDocumentParser(
            sp.GetRequiredService<IOptions<ParserSandboxOptions>>(),
            sp.GetRequiredService<IOptions<IngestionLimits>>(),
            sp.GetRequiredService<IOptions<OcrOptions>>(),
            sp.GetService<ILogger<SandboxedDocumentParser>>()));
        services.AddSingleton<IDocumentParser>(sp => sp.GetRequiredService<SandboxedDocumentParser>());
        return services;
    }
}
