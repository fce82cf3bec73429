using Portal.IntegrationTests.Infrastructure;
using Portal.Search;
using static Portal.TestSupport.SearchCorpus;

namespace Portal.IntegrationTests.Search;

/// <summary>
/// Random multi-tenant corpora from a seeded generator (the seed is in the failure message): for every
/// mode and every filter, search returns only the caller's chunks and never fewer than
/// min(k, chunks that match the filter and share a term with the query).
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class SearchIsolationPropertyTests(SharedApp app)
{
    private static readonly string[] Words = ["invoice", "refund", "contract", "vacation", "laptop", "budget", "audit", "合同", "发票", "预算", "审计", "休假"];
    private static readonly string[] Languages = ["en", "zh"];
    private static readonly string[] SourceTypes = ["pdf", "text"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Search_never_returns_another_tenants_chunks_nor_fewer_than_the_matching_chunks(int seed)
    {
        var random = new Random(seed);
        var tenants = new List<(Guid Tenant, Guid Kb, List<(long Id, Guid Doc, ChunkSpec Spec)> Chunks)>();
        for (var t = 0; t < 3; t++)
        {
            var owner = await app.RegisterAsync();
            var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
            var chunks = new List<(long, Guid, ChunkSpec)>();
            for (var d = 0; d < 1 + random.Next(3); d++)
            {
                var specs = Enumerable.Range(0, 1 + random.Next(6)).Select(_ => new ChunkSpec(
                    string.Join(' ', Enumerable.Range(0, 2 + random.Next(6)).Select(_ => Words[random.Next(Words.Length)])),
                    Languages[random.Next(2)], 1 + random.Next(5), [random.Next(2) == 0 ? "Intro" : "Terms"], SourceTypes[random.Next(2)])).ToList();
                var (doc, ids) = await AddDocumentAsync(app, owner.TenantId, kb, $"doc{d}", specs);
                chunks.AddRange(ids.Select((id, i) => (id, doc, specs[i])));
            }
            tenants.Add((owner.TenantId, kb, chunks));
        }
        var everyone = tenants.SelectMany(t => t.Chunks.Select(c => (c.Id, t.Tenant))).ToDictionary(c => c.Id, c => c.Tenant);

        foreach (var (tenant, kb, chunks) in tenants)
        {
            var anyDoc = chunks[random.Next(chunks.Count)].Doc;
            var filters = new (string Name, SearchFilters Filter, Func<ChunkSpec, Guid, bool> Matches)[]
            {
                ("none", SearchFilters.None, (_, _) => true),
                ("documentIds", new() { DocumentIds = [anyDoc] }, (_, d) => d == anyDoc),
                ("languages", new() { Languages = ["zh"] }, (s, _) => s.Language == "zh"),
                ("pages", new() { PageFrom = 2, PageTo = 3 }, (s, _) => s.Page is >= 2 and <= 3),
                ("headingPathPrefix", new() { HeadingPathPrefix = ["Terms"] }, (s, _) => s.Headings![0] == "Terms"),
                ("sourceTypes", new() { SourceTypes = ["pdf"] }, (s, _) => s.SourceType == "pdf"),
            };
            foreach (var mode in Enum.GetValues<SearchMode>())
                foreach (var (name, filter, matches) in filters)
                {
                    var word = Words[random.Next(Words.Length)];
                    var k = 1 + random.Next(5);
                    var hits = await SearchAsync(app, tenant, new SearchQuery(word) { Mode = mode, TopK = k, Filters = filter });
                    var context = $"seed {seed}, mode {mode}, filter {name}, query {word}, k {k}";
                    hits.ShouldAllBe(h => everyone[h.ChunkId] == tenant, context);
                    hits.Select(h => h.ChunkId).ShouldBeUnique(context);
                    var matching = chunks.Where(c => matches(c.Spec, c.Doc)).ToList();
                    hits.ShouldAllBe(h => matching.Any(m => m.Id == h.ChunkId), context);
                    // The vector leg returns every filtered chunk it can reach; the keyword leg those sharing a term.
                    var reachable = mode == SearchMode.Keyword ? matching.Count(c => c.Spec.Text.Contains(word)) : matching.Count;
                    hits.Count.ShouldBeGreaterThanOrEqualTo(Math.Min(k, reachable), context);
                }
        }
    }
}
