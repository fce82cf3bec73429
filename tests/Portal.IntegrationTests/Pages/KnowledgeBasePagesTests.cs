using System.Net.Http.Json;
using System.Text.Json;
using Portal.IntegrationTests.Documents;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Pages;

[Collection(DatabaseCollection.Name)]
public sealed class KnowledgeBasePagesTests(SharedApp app)
{
    [Fact]
    public async Task The_settings_form_changes_chunking_and_retrieval_and_the_page_shows_them()
    {
        var owner = await app.RegisterAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        var html = await PageForms.PostAsync(app, owner.Client, $"/knowledge-bases/{kb}", "kb-settings", new()
        {
            ["Settings.Name"] = "Field guide", ["Settings.Strategy"] = "recursive", ["Settings.ChunkSize"] = "300", ["Settings.ChunkOverlap"] = "20",
            ["Settings.Mode"] = "keyword", ["Settings.Fusion"] = "weighted", ["Settings.VectorWeight"] = "0.3", ["Settings.Embedder"] = "hashed-ngram/v1/d384",
        });
        html.ShouldContain("Chunking: recursive, 300 tokens, overlap 20");
        html.ShouldContain("Search: keyword (weighted, vector weight 0.3)");

        var view = await owner.Client.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases");
        var saved = view.EnumerateArray().Single(k => k.GetProperty("id").GetGuid() == kb);
        saved.GetProperty("name").GetString().ShouldBe("Field guide");
        saved.GetProperty("retrieval").GetProperty("embedder").GetString().ShouldBe("hashed-ngram/v1/d384");
    }

    [Fact]
    public async Task An_invalid_setting_shows_the_error_and_changes_nothing()
    {
        var owner = await app.RegisterAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        var before = await app.Database.AdminScalarAsync<string>($"SELECT chunking::text || retrieval::text FROM knowledge_bases WHERE id = '{kb}'");
        var html = await PageForms.PostAsync(app, owner.Client, $"/knowledge-bases/{kb}", "kb-settings", new()
        {
            ["Settings.Name"] = "Still here", ["Settings.ChunkSize"] = "100", ["Settings.ChunkOverlap"] = "100", ["Settings.VectorWeight"] = "0.5",
        });
        html.ShouldContain("chunking.chunkOverlap must be smaller than chunking.chunkSize.");
        (await app.Database.AdminScalarAsync<string>($"SELECT chunking::text || retrieval::text FROM knowledge_bases WHERE id = '{kb}'")).ShouldBe(before);
    }
}
