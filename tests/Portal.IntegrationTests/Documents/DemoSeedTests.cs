using System.Net.Http.Json;
using System.Text.Json;
using Portal.IntegrationTests.Infrastructure;
using Portal.Web;

namespace Portal.IntegrationTests.Documents;

[Collection(DatabaseCollection.Name)]
public sealed class DemoSeedTests(SharedApp app)
{
    [Fact]
    public async Task The_demo_seed_gives_a_knowledge_base_whose_documents_are_ingested_and_searchable_and_runs_once()
    {
        await PortalCommands.SeedAsync(app.Services);
        await PortalCommands.SeedAsync(app.Services);
        var demo = await app.SignInAsync(PortalCommands.DemoEmail, PortalCommands.DemoPassword);

        var kbs = await demo.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases");
        kbs.GetArrayLength().ShouldBe(1);
        var kb = kbs[0];
        kb.GetProperty("name").GetString().ShouldBe(PortalCommands.DemoKnowledgeBase);
        var kbId = kb.GetProperty("id").GetGuid();

        var listed = await demo.GetFromJsonAsync<JsonElement>($"/api/v1/knowledge-bases/{kbId}/documents");
        var items = listed.GetProperty("items").EnumerateArray().ToList();
        var names = items.Select(d => d.GetProperty("name").GetString()).ToList();
        foreach (var seeded in new[] { "returns-and-refunds.md", "shipping.html", "warranty.txt" }) names.ShouldContain(seeded);
        var ids = items.Select(d => d.GetProperty("id").GetGuid()).ToList();
        var documents = await DocumentApi.WaitAsync(demo, ids, TimeSpan.FromSeconds(90));
        documents.Values.ShouldAllBe(d => d.GetProperty("status").GetString() == "Indexed" && d.GetProperty("chunkCount").GetInt32() > 0);

        var search = await demo.PostAsJsonAsync("/api/v1/search", new { query = "refunds to the original payment method", knowledgeBaseIds = new[] { kbId } });
        var top = (await search.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results")[0];
        top.GetProperty("documentName").GetString().ShouldBe("returns-and-refunds.md");
        var pairs = await demo.GetFromJsonAsync<JsonElement>($"/api/v1/knowledge-bases/{kbId}/qa-pairs");
        pairs.ToString().ShouldContain("How do I reach customer support?");
    }
}
