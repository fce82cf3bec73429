using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Documents;
using Portal.Documents.Parsing;
using Portal.Documents.Sandbox;

namespace Portal.Tests.Documents;

public class IngestionRegistrationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddLogging()
            .AddPortalIngestion(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();

    [Fact]
    public void Ingestion_options_are_bound_from_the_ingestion_section()
    {
        using var services = Build(new() { ["Ingestion:Limits:MaxFileBytes"] = "1000", ["Ingestion:Ocr:Languages"] = "eng" });
        services.GetRequiredService<IOptions<IngestionLimits>>().Value.MaxFileBytes.ShouldBe(1000);
        services.GetRequiredService<IOptions<OcrOptions>>().Value.Languages.ShouldBe("eng");
        services.GetRequiredService<IDocumentParser>().ShouldBeOfType<SandboxedDocumentParser>();
    }

    [Fact]
    public void Invalid_ingestion_options_are_rejected()
    {
        using var services = Build(new() { ["Ingestion:Sandbox:MaxWorkers"] = "0" });
        Should.Throw<OptionsValidationException>(() => services.GetRequiredService<IOptions<ParserSandboxOptions>>().Value);
    }

    [Fact]
    public void The_default_file_size_limit_is_fifty_megabytes() =>
        new IngestionLimits().MaxFileBytes.ShouldBe(52_428_800);
}
