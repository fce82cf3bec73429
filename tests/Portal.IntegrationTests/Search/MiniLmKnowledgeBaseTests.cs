using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portal.IntegrationTests.Documents;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Search;

[Collection(DatabaseCollection.Name)]
public sealed class MiniLmKnowledgeBaseTests(SharedApp app)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_knowledge_base_created_with_minilm_indexes_and_answers_a_paraphrase_by_meaning()
    {
        var owner = await app.RegisterAsync();
        var created = await owner.Client.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "Neural", retrieval = new { embedder = "minilm" } });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var kb = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var docs = await DocumentApi.UploadOkAsync(owner.Client, kb,
            ("passwords.txt", Encoding.UTF8.GetBytes("To change a forgotten sign-in secret, open Settings and choose Reset credentials.")),
            ("ferries.txt", Encoding.UTF8.GetBytes("The harbour ferry leaves every twenty minutes from the pier.")));
        await DocumentApi.WaitAsync(owner.Client, docs.Select(d => d.Id), Timeout);

        var model = await app.Database.AdminScalarAsync<string>(
            $"SELECT model_id FROM search_vector_generations WHERE knowledge_base_id = '{kb}' AND state = 'active'");
        var search = await owner.Client.PostAsJsonAsync("/api/v1/search", new { query = "I lost my password", knowledgeBaseIds = new[] { kb }, mode = "vector" });
        var results = (await search.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results");

        model.ShouldBe("minilm");
        results[0].GetProperty("documentName").GetString().ShouldBe("passwords.txt");
    }

    [Fact]
    public async Task Patching_a_knowledge_base_to_minilm_re_embeds_it_and_switches()
    {
        var owner = await app.RegisterAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        var doc = (await DocumentApi.UploadOkAsync(owner.Client, kb, ("ferries.txt", Encoding.UTF8.GetBytes("Tickets are sold at the pier kiosk.")))).Single();
        await DocumentApi.WaitAsync(owner.Client, [doc.Id], Timeout);

        var patched = await owner.Client.PatchAsJsonAsync($"/api/v1/knowledge-bases/{kb}", new { retrieval = new { embedder = "minilm" } });

        patched.StatusCode.ShouldBe(HttpStatusCode.OK);
        var activeSql = $"SELECT model_id FROM search_vector_generations WHERE knowledge_base_id = '{kb}' AND state = 'active'";
        var deadline = DateTime.UtcNow + Timeout;
        while (await app.Database.AdminScalarAsync<string>(activeSql) != "minilm")
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the knowledge base never switched to minilm");
            await Task.Delay(250);
        }
    }
}
