using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Search.Embeddings;

namespace Portal.Ml.Search;

public static class MlEmbedderRegistration
{
    /// <summary>
    /// Adds one <see cref="HuggingFaceEmbedder"/> per <c>Ml:Embedders:{name}</c> section that has a <c>Path</c>; the
    /// <see cref="EmbedderRegistry"/> picks them up by model id beside the hashed default. No section, no change.
    /// </summary>
    public static IServiceCollection AddPortalMlEmbedders(this IServiceCollection services, IConfiguration configuration)
    {
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
