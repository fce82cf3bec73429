using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.FineTuning;
using Portal.Ml.Search;
using Portal.Ml.Training.Embeddings;
using Portal.Search;

namespace Portal.Ml.Cli.Training;

/// <summary>
/// <c>train embed --kb</c>: hard negatives from the tenant's own knowledge base, ranked by the search the
/// tenant's users get (its embedder, keyword index and fusion settings), reached through the database named
/// by <c>ConnectionStrings:Portal</c> (appsettings.json in the working folder, or the environment).
/// </summary>
internal static class TenantIndexMining
{
    /// <summary>appsettings.json in the working folder, then the environment (<c>ConnectionStrings__Portal</c>, <c>Ml__Embedders__…</c>).</summary>
    public static IConfiguration DefaultConfiguration() =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();

    public static async Task<List<ContrastiveExample>> MineAsync(IConfiguration configuration, IReadOnlyList<ContrastiveExample> examples, Guid tenantId,
        Guid knowledgeBaseId, HardNegativeMiner miner, CancellationToken ct)
    {
        await using var services = SearchServices(configuration).BuildServiceProvider();
        var ranker = new KnowledgeBaseRanker(services, tenantId, knowledgeBaseId);
        return await miner.MineAsync(examples, ranker.RankAsync, ct);
    }

    /// <summary>The part of the web host that search needs: database, tenancy, embedders (hashed, projections, Ml:Embedders).</summary>
    internal static IServiceCollection SearchServices(IConfiguration configuration) =>
        new ServiceCollection()
            .AddSingleton(configuration)
            .AddLogging()
            .AddPortalCore()
            .AddPortalSearch()
            .AddPortalMlEmbedders(configuration);
}
