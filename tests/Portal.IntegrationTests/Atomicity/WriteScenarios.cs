using System.Net.Http.Json;
using System.Text;
using Portal.IntegrationTests.Infrastructure;
using static Portal.TestSupport.SearchCorpus;

namespace Portal.IntegrationTests.Atomicity;

/// <summary>A write endpoint with what it needs in place: <see cref="ArrangeAsync"/> builds fresh rows and returns the request.</summary>
public sealed record WriteScenario(string Name, Func<PortalApp, Account, Task<Func<HttpRequestMessage>>> ArrangeAsync)
{
    public override string ToString() => Name;
}

internal static class WriteScenarios
{
    public static readonly WriteScenario[] All =
    [
        new("register", (_, _) => Request(HttpMethod.Post, "/api/v1/auth/register",
            new { email = $"fault-{Guid.NewGuid():N}@example.test", password = "correct horse battery", tenantName = "Fault tenant" })),
        new("create a knowledge base", (_, _) => Request(HttpMethod.Post, "/api/v1/knowledge-bases", new { name = "kb " + Guid.NewGuid().ToString("N") })),
        new("delete a knowledge base with documents and QA pairs", async (app, owner) =>
        {
            var kb = await KnowledgeBaseWithContentAsync(app, owner);
            return () => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/knowledge-bases/{kb}");
        }),
        new("delete the curated answers document", async (app, owner) =>
        {
            var kb = await KnowledgeBaseWithContentAsync(app, owner);
            var id = await app.Database.AdminScalarAsync<Guid>($"SELECT id FROM documents WHERE knowledge_base_id = '{kb}' AND format = 'qa'");
            return () => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/documents/{id}");
        }),
        new("delete a document", async (app, owner) =>
        {
            var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
            var (doc, _) = await AddDocumentAsync(app, owner.TenantId, kb, "a.md", [new("Alpha text."), new("Beta text.")]);
            return () => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/documents/{doc}");
        }),
        new("add a QA pair", async (app, owner) =>
        {
            var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
            return () => Json(HttpMethod.Post, $"/api/v1/knowledge-bases/{kb}/qa-pairs", new { question = "How long is leave?", answer = "25 days." });
        }),
        new("edit a QA pair", async (app, owner) =>
        {
            var (kb, pair) = await PairAsync(app, owner);
            return () => Json(HttpMethod.Put, $"/api/v1/knowledge-bases/{kb}/qa-pairs/{pair}", new { question = "How long is parental leave?", answer = "16 weeks." });
        }),
        new("delete a QA pair", async (app, owner) =>
        {
            var (kb, pair) = await PairAsync(app, owner);
            return () => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/knowledge-bases/{kb}/qa-pairs/{pair}");
        }),
        new("import QA pairs", async (app, owner) =>
        {
            var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
            const string jsonl = "{\"question\":\"Q one?\",\"answer\":\"A one.\"}\n{\"question\":\"Q two?\",\"answer\":\"A two.\"}\n{\"question\":\"Q three?\",\"answer\":\"A three.\"}\n";
            return () => new HttpRequestMessage(HttpMethod.Post, $"/api/v1/knowledge-bases/{kb}/qa-pairs/import")
            {
                Content = new StringContent(jsonl, Encoding.UTF8, "application/x-ndjson"),
            };
        }),
        new("create an API key", (_, _) => Request(HttpMethod.Post, "/api/v1/api-keys", new { name = "k", kind = "secret" })),
        new("revoke an API key", async (app, owner) =>
        {
            var response = await owner.Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "k", kind = "secret" });
            var id = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("key").GetProperty("id").GetGuid();
            return () => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/api-keys/{id}");
        }),
        new("replace the synonyms", (_, _) => Request(HttpMethod.Put, "/api/v1/synonyms",
            new { synonyms = new Dictionary<string, string[]> { ["pto"] = ["vacation", "leave"], ["wfh"] = ["remote"] } })),
        new("change chat settings and the generator", (_, _) => Request(HttpMethod.Put, "/api/v1/chat/settings",
            new { idkMessage = "No idea " + Guid.NewGuid().ToString("N")[..6], generator = new { kind = "extractive", settings = new { } } })),
        new("invite a member", (_, _) => Request(HttpMethod.Post, "/api/v1/members", new { email = $"m-{Guid.NewGuid():N}@example.test", role = "Editor" })),
    ];

    private static Task<Func<HttpRequestMessage>> Request(HttpMethod method, string path, object body) =>
        Task.FromResult<Func<HttpRequestMessage>>(() => Json(method, path, body));

    private static HttpRequestMessage Json(HttpMethod method, string path, object body) => new(method, path) { Content = JsonContent.Create(body) };

    private static async Task<Guid> KnowledgeBaseWithContentAsync(PortalApp app, Account owner)
    {
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        await AddDocumentAsync(app, owner.TenantId, kb, "handbook.md", [new("Employees receive 25 days of paid vacation.")]);
        foreach (var n in new[] { 1, 2 })
            (await owner.Client.PostAsJsonAsync($"/api/v1/knowledge-bases/{kb}/qa-pairs", new { question = $"Question {n}?", answer = $"Answer {n}." }))
                .EnsureSuccessStatusCode();
        return kb;
    }

    private static async Task<(Guid Kb, Guid Pair)> PairAsync(PortalApp app, Account owner)
    {
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        var response = await owner.Client.PostAsJsonAsync($"/api/v1/knowledge-bases/{kb}/qa-pairs", new { question = "How long is leave?", answer = "25 days." });
        response.EnsureSuccessStatusCode();
        return (kb, (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid());
    }
}
