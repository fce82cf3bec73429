using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Documents;
using Portal.Search.Embeddings;
using Portal.Search.Keyword;

namespace Portal.Search;

public static class SearchRegistration
{
    /// <summary>Hybrid retrieval: embedders, both chunk indexers (for the ingestion pipeline), search, backfill.</summary>
    public static IServiceCollection AddPortalSearch(this IServiceCollection services)
    {
        services.AddOptions<SearchOptions>().BindConfiguration("Search").ValidateDataAnnotations()
            .Validate(o => o.DefaultTopK <= o.MaxTopK, "Search:DefaultTopK must not exceed Search:MaxTopK.")
            .ValidateOnStart();
        services.AddSingleton(sp => new HashedNgramEmbedder(sp.GetRequiredService<IOptions<SearchOptions>>().Value.HashedEmbedderDimensions));
        // v1 stays installed so knowledge bases embedded with it keep searching until the backfill
        // has moved them to the default (a building generation, then one switch).
        services.AddSingleton<IEmbedder>(sp => new HashedNgramEmbedder(sp.GetRequiredService<IOptions<SearchOptions>>().Value.HashedEmbedderDimensions, HashedNgramWeights.V1));
        services.AddSingleton(sp =>
        {
            var hashed = sp.GetRequiredService<HashedNgramEmbedder>();
            var projections = ProjectedEmbedder.LoadAll(sp.GetRequiredService<IOptions<SearchOptions>>().Value.ProjectionsDirectory, hashed);
            return new EmbedderRegistry(sp.GetServices<IEmbedder>().Concat(projections), hashed);
        });
        // Indexers run in registration order inside the document's transaction. The keyword index goes last:
        // its statistics rows (df per term, N per knowledge base) are shared by every document of a knowledge
        // base, so documents indexed at once wait on each other from that upsert until commit; last keeps that short.
        services.AddSingleton<IChunkIndexer, VectorIndexer>();
        services.AddSingleton<IChunkIndexer, KeywordIndexer>();
        services.AddSingleton<VectorLegConnections>();
        services.AddScoped<HybridSearch>();
        services.AddSingleton<EmbeddingBackfill>();
        return services;
    }
}
