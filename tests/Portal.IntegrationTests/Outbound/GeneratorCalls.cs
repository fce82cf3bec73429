using System.Net.Http.Json;
using Portal.IntegrationTests.Infrastructure;
using static Portal.TestSupport.SearchCorpus;

namespace Portal.IntegrationTests.Outbound;

/// <summary>A tenant with one indexed document, whose knowledge base answers through an OpenAI-compatible generator.</summary>
internal static class GeneratorCalls
{
    public const string ProviderKey = "sk-outbound-test-key-0123456789";

    public static async Task<(Account Owner, Guid Kb)> TenantAsync(PortalApp app)
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        await AddDocumentAsync(app, owner.TenantId, kb, "handbook.md", [new("Employees receive 25 days of paid vacation per year.")]);
        return (owner, kb);
    }

    public static Task<HttpResponseMessage> PutAsync(Account owner, Guid kb, string baseUrl) =>
        owner.Client.PutAsJsonAsync($"/api/v1/knowledge-bases/{kb}/generator",
            new { kind = "openai", baseUrl, model = "fake-model", apiKey = ProviderKey });

    public static Task<HttpResponseMessage> AskAsync(Account owner, Guid kb) =>
        owner.Client.PostAsJsonAsync("/api/v1/chat",
            new { message = "How many vacation days do employees receive?", knowledgeBaseIds = new[] { kb } });

    /// <summary>Stores the URL directly, as an older build (or a name checked only at connect time) would have.</summary>
    public static async Task<HttpResponseMessage> PutAndAskAsync(PortalApp app, Account owner, Guid kb, string baseUrl)
    {
        var put = await PutAsync(owner, kb, baseUrl);
        put.EnsureSuccessStatusCode();
        return await AskAsync(owner, kb);
    }
}
