using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.IntegrationTests.Infrastructure;
using static Portal.TestSupport.SearchCorpus;

namespace Portal.IntegrationTests.Atomicity;

/// <summary>Every delete answers 204 once, then 404; the curated answers document behaves like any other.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class DeleteTests(SharedApp app)
{
    [Fact]
    public async Task Every_delete_endpoint_answers_204_then_404()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        var (doc, _) = await AddDocumentAsync(app, owner.TenantId, kb, "a.md", [new("Alpha.")]);
        var pair = await PairAsync(owner, kb);
        var key = (await (await owner.Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "k", kind = "secret" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetProperty("id").GetGuid();
        var member = await app.RegisterAsync();
        var invited = await owner.Client.PostAsJsonAsync("/api/v1/members", new { email = member.Email, role = "Editor" });
        invited.EnsureSuccessStatusCode();
        var invitation = await app.Database.AdminScalarAsync<Guid>($"SELECT id FROM invitations WHERE tenant_id = '{owner.TenantId}'");
        var otherKb = await CreateKnowledgeBaseAsync(app, owner.TenantId);

        foreach (var path in new[]
                 {
                     $"/api/v1/knowledge-bases/{kb}/qa-pairs/{pair}", $"/api/v1/documents/{doc}", $"/api/v1/api-keys/{key}",
                     $"/api/v1/members/invitations/{invitation}", $"/api/v1/knowledge-bases/{otherKb}",
                 })
        {
            var first = await owner.Client.DeleteAsync(path);
            first.StatusCode.ShouldBe(HttpStatusCode.NoContent, $"{path}: {await first.Content.ReadAsStringAsync()}");
            var second = await owner.Client.DeleteAsync(path);
            second.StatusCode.ShouldBe(HttpStatusCode.NotFound, path);
            second.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json", path);
        }
    }

    [Fact]
    public async Task A_knowledge_base_with_qa_pairs_is_deleted_with_a_204_and_leaves_nothing()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        await PairAsync(owner, kb);
        await PairAsync(owner, kb, "Second question?");

        var response = await owner.Client.DeleteAsync($"/api/v1/knowledge-bases/{kb}");

        response.StatusCode.ShouldBe(HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
        foreach (var table in new[] { "qa_pairs", "documents", "chunks", "knowledge_bases" })
            (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM {table} WHERE tenant_id = '{owner.TenantId}'")).ShouldBe(0, table);
        (await owner.Client.DeleteAsync($"/api/v1/knowledge-bases/{kb}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_curated_answers_document_downloads_as_not_found_and_deletes_with_its_pairs()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        await PairAsync(owner, kb);
        var curated = await app.Database.AdminScalarAsync<Guid>($"SELECT id FROM documents WHERE knowledge_base_id = '{kb}' AND format = 'qa'");

        var content = await owner.Client.GetAsync($"/api/v1/documents/{curated}/content");
        content.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var deleted = await owner.Client.DeleteAsync($"/api/v1/documents/{curated}");

        deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent, await deleted.Content.ReadAsStringAsync());
        var listed = await owner.Client.GetFromJsonAsync<JsonElement>($"/api/v1/knowledge-bases/{kb}/qa-pairs");
        (listed.ValueKind == JsonValueKind.Array ? listed : listed.GetProperty("items")).GetArrayLength().ShouldBe(0, "no pair stays listed but unsearchable");
        (await owner.Client.DeleteAsync($"/api/v1/documents/{curated}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await PairAsync(owner, kb, "After?")).ShouldNotBe(Guid.Empty, "curating again starts a new document");
    }

    private static async Task<Guid> PairAsync(Account owner, Guid kb, string question = "How long is leave?")
    {
        var response = await owner.Client.PostAsJsonAsync($"/api/v1/knowledge-bases/{kb}/qa-pairs", new { question, answer = "25 days." });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
