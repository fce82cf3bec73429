using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Portal.IntegrationTests.Infrastructure;
using Portal.Search;
using Portal.Search.Embeddings;
using static Portal.TestSupport.SearchCorpus;

namespace Portal.IntegrationTests.Search;

/// <summary>
/// Search embeds the question with the embedder's query side (bge's and e5's instruction prefix goes to
/// queries only) and chunks with the passage side.
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class QueryEmbeddingTests(SharedApp shared)
{
    /// <summary>
    /// An asymmetric embedder in miniature: passages embed as the hashed embedder does, queries through an
    /// instruction that rewrites the customer's word into the documentation's.
    /// </summary>
    private sealed class InstructedEmbedder : IEmbedder
    {
        private readonly HashedNgramEmbedder hashed = new(384);
        public string ModelId => "test/instructed/d384";
        public int Dimensions => 384;

        public ValueTask<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken ct) =>
            ValueTask.FromResult(texts.Select(hashed.Embed).ToArray());

        public ValueTask<float[][]> EmbedQueriesAsync(IReadOnlyList<string> queries, CancellationToken ct) =>
            ValueTask.FromResult(queries.Select(q => hashed.Embed(q.Replace("bill", "invoice", StringComparison.Ordinal))).ToArray());
    }

    private sealed class AppWithInstructedEmbedder(PortalDatabase database) : PortalApp(database)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(s => s.AddSingleton<IEmbedder, InstructedEmbedder>());
        }
    }

    [Fact]
    public async Task The_vector_leg_embeds_the_question_with_the_query_side_of_the_embedder()
    {
        await using var app = new AppWithInstructedEmbedder(shared.Database);
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId, """{"embedder":"test/instructed/d384"}""");
        var (_, ids) = await AddDocumentAsync(app, owner.TenantId, kb, "handbook",
            [new ChunkSpec("invoice payment terms"), new ChunkSpec("billiards club rules")]);

        var hits = await SearchAsync(app, owner.TenantId, new SearchQuery("bill") { Mode = SearchMode.Vector, TopK = 2 });

        // The passage side would put "billiards" first: it shares "bill"'s trigrams, "invoice" shares none.
        hits[0].ChunkId.ShouldBe(ids[0]);
    }

    [Fact]
    public async Task An_embedder_without_a_query_side_embeds_queries_as_passages()
    {
        IEmbedder hashed = new HashedNgramEmbedder(384);

        var query = (await hashed.EmbedQueriesAsync(["refund policy"], CancellationToken.None))[0];
        var passage = (await hashed.EmbedAsync(["refund policy"], CancellationToken.None))[0];

        query.ShouldBe(passage);
    }
}
