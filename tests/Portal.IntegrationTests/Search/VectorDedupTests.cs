using Microsoft.Extensions.DependencyInjection;
using Portal.Documents;
using Portal.IntegrationTests.Infrastructure;
using Portal.Search;
using Portal.Search.Embeddings;
using static Portal.TestSupport.SearchCorpus;

namespace Portal.IntegrationTests.Search;

[Collection(DatabaseCollection.Name)]
public sealed class VectorDedupTests(SharedApp app)
{
    [Fact]
    public async Task Identical_chunks_share_one_vector_and_the_vector_leg_returns_every_one_of_them()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        var (_, first) = await AddDocumentAsync(app, owner.TenantId, kb, "a.txt",
            [new("expense claims need a receipt"), new("expense claims need a receipt"), new("the office closes at six")]);
        var (_, second) = await AddDocumentAsync(app, owner.TenantId, kb, "b.txt", [new("expense claims need a receipt")]);

        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM search_embeddings WHERE knowledge_base_id = '{kb}'")).ShouldBe(2);
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM search_vectors WHERE knowledge_base_id = '{kb}'")).ShouldBe(4);
        var hits = await SearchAsync(app, owner.TenantId, new SearchQuery("expense claims need a receipt") { Mode = SearchMode.Vector, TopK = 10 });
        hits.Take(3).Select(h => h.ChunkId).Order().ShouldBe(new[] { first[0], first[1], second[0] }.Order());
        hits.Take(3).Select(h => h.Score).Distinct().Count().ShouldBe(1);
        hits.Select(h => h.ChunkId).ShouldContain(first[2]);
    }

    [Fact]
    public async Task A_vector_is_removed_with_the_last_chunk_that_carries_it()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        var (_, ids) = await AddDocumentAsync(app, owner.TenantId, kb, "a.txt",
            [new("expense claims need a receipt"), new("expense claims need a receipt"), new("the office closes at six")]);
        async Task RemoveAsync(params long[] chunkIds) => await InTenantAsync(app, owner.TenantId, async (db, services) =>
        {
            foreach (var indexer in services.GetServices<IChunkIndexer>()) await indexer.RemoveAsync(db, kb, chunkIds, CancellationToken.None);
        });
        Task<long> EmbeddingsAsync() => app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM search_embeddings WHERE knowledge_base_id = '{kb}'");

        await RemoveAsync(ids[0]);
        (await EmbeddingsAsync()).ShouldBe(2);
        var hits = await SearchAsync(app, owner.TenantId, new SearchQuery("expense claims need a receipt") { Mode = SearchMode.Vector });
        hits[0].ChunkId.ShouldBe(ids[1]);

        await RemoveAsync(ids[1]);
        (await EmbeddingsAsync()).ShouldBe(1);
        (await SearchAsync(app, owner.TenantId, new SearchQuery("expense claims need a receipt") { Mode = SearchMode.Vector }))
            .Select(h => h.ChunkId).ShouldBe([ids[2]]);
    }

    [Fact]
    public async Task The_application_hashes_a_vector_as_the_migration_does()
    {
        var vector = new HashedNgramEmbedder().Embed("发票报销需要合同编号 and a receipt");
        var sql = await app.Database.AdminScalarAsync<string>(
            $"SELECT encode(substring(sha256(halfvec_send('{VectorText.Format(vector)}'::halfvec)) FROM 1 FOR 16), 'hex')");
        Convert.ToHexString(HalfVectorHash.Of(vector)).ToLowerInvariant().ShouldBe(sql);
    }

    [Fact]
    public async Task The_exact_plan_and_the_hnsw_plan_agree_on_a_small_knowledge_base()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        var texts = Enumerable.Range(0, 30).Select(i => $"policy {i} covers travel, invoices and approvals number {i * 7}").ToList();
        await AddDocumentAsync(app, owner.TenantId, kb, "a.txt", texts.Select(t => new ChunkSpec(t)).ToList());
        var results = new List<List<double>>();
        await InTenantAsync(app, owner.TenantId, async (db, services) =>
        {
            var generations = (await VectorGenerations.LiveAsync(db, [kb], CancellationToken.None)).Where(g => g.State == "active").ToList();
            await VectorLeg.ConfigureAsync(db, generations, 1000, 50_000, CancellationToken.None);
            var query = services.GetRequiredService<EmbedderRegistry>().Default.EmbedAsync(["travel invoices 21"], CancellationToken.None).Result[0];
            foreach (var exact in new[] { true, false })
            {
                await using var cmd = VectorLeg.Command(db, generations, query, SearchFilters.None, 10, exact);
                var distances = new List<double>();
                await using var reader = await cmd.ExecuteReaderAsync();
                while (await reader.ReadAsync()) distances.Add(reader.GetDouble(1));
                results.Add(distances);
            }
        });
        // Distances, not ids: equally distant chunks may be cut at the 10th place in either order.
        results[0].Count.ShouldBe(10);
        results[1].ShouldBe(results[0]);
    }

    [Fact]
    public async Task Switching_embedder_fills_a_new_generation_of_distinct_vectors_and_drops_the_old_one()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId, """{"embedder": "hashed-ngram/v1/d384"}""");
        var (_, ids) = await AddDocumentAsync(app, owner.TenantId, kb, "a.txt",
            [new("expense claims need a receipt"), new("expense claims need a receipt"), new("the office closes at six")]);
        (await app.Database.AdminScalarAsync<string>($"SELECT model_id FROM search_vector_generations WHERE knowledge_base_id = '{kb}' AND state = 'active'"))
            .ShouldBe("hashed-ngram/v1/d384");

        await app.Database.AdminScalarAsync<int>($"UPDATE knowledge_bases SET retrieval = '{{}}' WHERE id = '{kb}' RETURNING 1");
        await app.Services.GetRequiredService<EmbeddingBackfill>().RunAsync(CancellationToken.None);

        var active = await app.Database.AdminScalarAsync<long>($"SELECT id FROM search_vector_generations WHERE knowledge_base_id = '{kb}' AND state = 'active'");
        (await app.Database.AdminScalarAsync<string>($"SELECT model_id FROM search_vector_generations WHERE id = {active}")).ShouldBe("hashed-ngram/v2/d384");
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM search_embeddings WHERE knowledge_base_id = '{kb}' AND generation_id <> {active}")).ShouldBe(0);
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM search_embeddings WHERE knowledge_base_id = '{kb}' AND generation_id = {active}")).ShouldBe(2);
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM search_vectors WHERE knowledge_base_id = '{kb}' AND generation_id = {active}")).ShouldBe(3);
        var hits = await SearchAsync(app, owner.TenantId, new SearchQuery("expense claims need a receipt") { Mode = SearchMode.Vector });
        hits.Take(2).Select(h => h.ChunkId).Order().ShouldBe(ids[..2]);
    }

    [Fact]
    public async Task Activating_a_generation_works_whatever_order_the_generation_rows_are_stored_in()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId, """{"embedder": "hashed-ngram/v1/d384"}""");
        await AddDocumentAsync(app, owner.TenantId, kb, "a.txt", [new("expense claims need a receipt")]);
        VectorGeneration? building = null;
        await InTenantAsync(app, owner.TenantId, async (db, _) =>
            building = await VectorGenerations.CreateAsync(db, owner.TenantId, kb, "hashed-ngram/v2/d384", 384, CancellationToken.None));
        building!.State.ShouldBe("building");
        // Any update writes a new row version after the building one: the active row is now stored last.
        await app.Database.AdminScalarAsync<int>(
            $"UPDATE search_vector_generations SET activated_at = activated_at WHERE knowledge_base_id = '{kb}' AND state = 'active' RETURNING 1");

        await InTenantAsync(app, owner.TenantId, (db, _) => VectorGenerations.ActivateAsync(db, building, CancellationToken.None));

        (await app.Database.AdminScalarAsync<string>(
            $"SELECT string_agg(model_id || ':' || state, ',' ORDER BY id) FROM search_vector_generations WHERE knowledge_base_id = '{kb}'"))
            .ShouldBe("hashed-ngram/v1/d384:retired,hashed-ngram/v2/d384:active");
    }
}
