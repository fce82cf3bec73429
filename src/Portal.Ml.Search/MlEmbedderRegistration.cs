using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Ml.Onnx;
using Portal.Ml.Search.MiniLm;
using Portal.Search.Embeddings;

namespace Portal.Ml.Search;

public static class MlEmbedderRegistration
{
    /// <summary>
    /// Adds the installed <c>minilm</c> embedder (ONNX Runtime, <c>Ml:Onnx</c>, files under <c>Ml:ModelsDirectory</c>) and
    /// one <see cref="HuggingFaceEmbedder"/> per <c>Ml:Embedders:{name}</c> section that has a <c>Path</c>; the
    /// <see cref="EmbedderRegistry"/> picks them up by model id beside the hashed default.
    /// </summary>
    public static IServiceCollection AddPortalMlEmbedders(this IServiceCollection services, IConfiguration configuration)
    {
        var onnx = configuration.GetSection(OnnxOptions.SectionName).Get<OnnxOptions>() ?? new OnnxOptions();
        var models = MiniLmModelFiles.ModelsDirectory(configuration["Ml:ModelsDirectory"]);
        services.AddSingleton<IEmbedder>(provider =>
            new MiniLmEmbedder(models, onnx, provider.GetService<ILoggerFactory>()?.CreateLogger<MiniLmEmbedder>()
                ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<MiniLmEmbedder>.Instance));

        foreach (var section in configuration.GetSection("Ml:Embedders").GetChildren())
        {
            var settings = section.Get<HuggingFaceEmbedderSettings>();
            if (string.IsNullOrWhiteSpace(settings?.Path))
                continue;
            var name = section.Key;
            services.AddSingleton<IEmbedder>(_ => new HuggingFaceEmbedder(name, settings));
        }
        return services;
    }
}
