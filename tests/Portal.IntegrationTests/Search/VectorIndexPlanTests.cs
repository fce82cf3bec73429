using Microsoft.Extensions.DependencyInjection;
using Portal.IntegrationTests.Infrastructure;
using Portal.Search;
using Portal.Search.Embeddings;
using static Portal.TestSupport.SearchCorpus;

namespace Portal.IntegrationTests.Search;

[Collection(DatabaseCollection.Name)]
public sealed class VectorIndexPlanTests(SharedApp app)
{
    [Fact]
    public async Task The_vector_query_can_be_answered_by_the_hnsw_index_under_row_level_security_and_filters()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        var (doc, _) = await AddDocumentAsync(app, owner.TenantId, kb, "a.txt", [new("invoice approval"), new("travel policy", Page: 2)]);
        var plan = new List<string>();
        await InTenantAsync(app, owner.TenantId, async (db, services) =>
        {
            var generations = (await VectorGenerations.LiveAsync(db, [kb], CancellationToken.None)).Where(g => g.State == "active").ToList();
            // A tiny table is cheapest to scan and sort; with both priced out, only an index that can
            // order by distance is left, and the planner finds it only if the query's shape allows it.
            await using (var off = SearchSql.Command(db, "SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off"))
                await off.ExecuteNonQueryAsync();
            var query = services.GetRequiredService<EmbedderRegistry>().Default.EmbedAsync(["invoice"], CancellationToken.None).Result[0];
            var filters = new SearchFilters { DocumentIds = [doc], PageFrom = 1 };
            await using var cmd = VectorLeg.Command(db, generations, query, filters, 40, exact: false);
            cmd.CommandText = "EXPLAIN " + cmd.CommandText;
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));
        });
        // Partitioned by knowledge base: the scan is on that partition's graph.
        string.Join('\n', plan).ShouldMatch(@"Index Scan using ix_search_embeddings_p\d+_hnsw_384");
    }

    [Fact]
    public async Task A_knowledge_base_under_the_exact_scan_limit_is_searched_without_the_graph()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        await AddDocumentAsync(app, owner.TenantId, kb, "a.txt", [new("invoice approval"), new("travel policy")]);
        var plan = new List<string>();
        await InTenantAsync(app, owner.TenantId, async (db, services) =>
        {
            var generations = (await VectorGenerations.LiveAsync(db, [kb], CancellationToken.None)).Where(g => g.State == "active").ToList();
            var chunks = await VectorLeg.ConfigureAsync(db, generations, 100, 50_000, CancellationToken.None);
            chunks.ShouldBe(2);
            // Even with sequential scans and sorts priced out, the exact query has no way to the graph.
            await using (var off = SearchSql.Command(db, "SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off"))
                await off.ExecuteNonQueryAsync();
            var query = services.GetRequiredService<EmbedderRegistry>().Default.EmbedAsync(["invoice"], CancellationToken.None).Result[0];
            await using var cmd = VectorLeg.Command(db, generations, query, SearchFilters.None, 40, exact: true);
            cmd.CommandText = "EXPLAIN " + cmd.CommandText;
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));
        });
        string.Join('\n', plan).ShouldNotContain("hnsw");
    }
}
