using Microsoft.Extensions.DependencyInjection;
using Portal.Documents;
using Portal.IntegrationTests.Infrastructure;
using Portal.Search;
using Portal.Search.Analysis;
using static Portal.TestSupport.SearchCorpus;

namespace Portal.IntegrationTests.Search;

[Collection(DatabaseCollection.Name)]
public sealed class Bm25Tests(SharedApp app)
{
    private static readonly string[] Texts =
    [
        "the quick brown fox jumps over the lazy dog",
        "the lazy dog sleeps all day long, lazy lazy dog",
        "quick thinking saves the day",
        "合同审批流程需要法务审核",
        "发票报销需要合同编号和审批",
        "a fox, a dog and a contract",
    ];

    [Theory]
    [InlineData("lazy dog", 1.2, 0.75)]
    [InlineData("quick fox day", 0.9, 0.4)]
    [InlineData("合同审批", 1.5, 1.0)]
    public async Task Sql_bm25_scores_match_an_in_memory_reference(string query, double k1, double b)
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId, $$"""{"bm25K1": {{k1}}, "bm25B": {{b}}}""");
        var (_, ids) = await AddDocumentAsync(app, owner.TenantId, kb, "corpus", Texts.Select(t => new ChunkSpec(t)).ToList());

        var hits = await SearchAsync(app, owner.TenantId, new SearchQuery(query) { Mode = SearchMode.Keyword, TopK = 10 });
        var expected = Reference(Texts, query, k1, b);
        hits.Count.ShouldBe(expected.Count(e => e > 0));
        foreach (var hit in hits)
            hit.Score.ShouldBe(expected[Array.IndexOf(ids, hit.ChunkId)], 1e-9);
    }

    [Fact]
    public async Task Removing_chunks_takes_them_out_of_the_statistics()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        var (_, ids) = await AddDocumentAsync(app, owner.TenantId, kb, "corpus", Texts.Select(t => new ChunkSpec(t)).ToList());
        await InTenantAsync(app, owner.TenantId, async (db, services) =>
        {
            foreach (var indexer in services.GetServices<IChunkIndexer>()) await indexer.RemoveAsync(db, kb, ids[3..], CancellationToken.None);
            // Re-indexing the same chunks is idempotent.
            var kept = db.Chunks.Where(c => c.KnowledgeBaseId == kb && c.ChunkIndex < 3).ToList();
            foreach (var indexer in services.GetServices<IChunkIndexer>()) await indexer.IndexAsync(db, kb, kept, CancellationToken.None);
        });
        var hits = await SearchAsync(app, owner.TenantId, new SearchQuery("lazy dog") { Mode = SearchMode.Keyword });
        var expected = Reference(Texts[..3], "lazy dog", 1.2, 0.75);
        hits.Select(h => h.ChunkId).ShouldBe(ids[..3].Zip(expected).Where(p => p.Second > 0).OrderByDescending(p => p.Second).Select(p => p.First));
        foreach (var hit in hits) hit.Score.ShouldBe(expected[Array.IndexOf(ids, hit.ChunkId)], 1e-9);
        (await app.Database.AdminScalarAsync<long>($"SELECT chunk_count FROM search_kb_stats WHERE knowledge_base_id = '{kb}'")).ShouldBe(3);
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM search_vectors WHERE knowledge_base_id = '{kb}'")).ShouldBe(3);
    }

    [Fact]
    public async Task The_keyword_candidate_probe_never_returns_another_tenants_chunks()
    {
        var a = await app.RegisterAsync();
        var b = await app.RegisterAsync();
        var bKb = await CreateKnowledgeBaseAsync(app, b.TenantId);
        await AddDocumentAsync(app, b.TenantId, bKb, "secret.txt", [new("the secret launch plan")]);
        async Task<long> CountAsync(Guid tenant)
        {
            long count = 0;
            await InTenantAsync(app, tenant, async (db, _) =>
            {
                await using var cmd = SearchSql.Command(db, "SELECT count(*) FROM search_keyword_candidates(@kb, 'secret'::tsquery)");
                cmd.Parameters.AddWithValue("kb", bKb);
                count = (long)(await cmd.ExecuteScalarAsync())!;
            });
            return count;
        }
        (await CountAsync(a.TenantId)).ShouldBe(0);
        (await CountAsync(b.TenantId)).ShouldBe(1);
    }

    /// <summary>Textbook Okapi BM25 with the Lucene-style idf ln(1 + (N − df + 0.5) / (df + 0.5)).</summary>
    private static double[] Reference(string[] docs, string query, double k1, double b)
    {
        var analysed = docs.Select(SearchAnalyzer.Analyze).ToArray();
        var avgdl = analysed.Average(d => d.Count);
        return analysed.Select(d => SearchAnalyzer.Analyze(query).GroupBy(t => t).Sum(g =>
        {
            var tf = d.Count(t => t == g.Key);
            if (tf == 0) return 0;
            var df = analysed.Count(x => x.Contains(g.Key));
            var idf = Math.Log(1 + (docs.Length - df + 0.5) / (df + 0.5));
            return g.Count() * idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * d.Count / avgdl));
        })).ToArray();
    }
}
