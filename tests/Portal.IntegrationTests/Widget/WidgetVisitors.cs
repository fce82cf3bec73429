using System.Net.Http.Json;
using System.Text.Json;
using Portal.IntegrationTests.Infrastructure;
using Portal.IntegrationTests.Search;

namespace Portal.IntegrationTests.Widget;

/// <summary>A tenant with a knowledge base, a publishable key and widget visitors calling from a site.</summary>
internal static class WidgetVisitors
{
    public const string Site = "https://shop.example.test";

    public sealed record Answer(string Text, Guid MessageId, Guid ConversationId, JsonElement[] Citations);

    public static async Task<string> CreatePublishableKeyAsync(PortalApp app, Account owner, params string[] origins)
    {
        var response = await owner.Client.PostAsJsonAsync("/api/v1/api-keys",
            new { name = "widget " + Guid.NewGuid().ToString("N")[..6], kind = "publishable", allowedOrigins = origins.Length == 0 ? [Site] : origins });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
    }

    /// <summary>A tenant whose knowledge base knows one fact; returns its owner, key and knowledge base.</summary>
    public static async Task<(Account Owner, string Key, Guid KbId)> ArrangeAsync(PortalApp app, string fact = "Refunds are paid within 14 days of the return arriving.")
    {
        var owner = await app.RegisterAsync();
        var kb = await SearchCorpus.CreateKnowledgeBaseAsync(app, owner.TenantId);
        await SearchCorpus.AddDocumentAsync(app, owner.TenantId, kb, "returns.md", [new(fact)]);
        return (owner, await CreatePublishableKeyAsync(app, owner), kb);
    }

    public static HttpClient Visitor(PortalApp app, string key, string origin = Site, string? visitorId = null)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Widget-Key", key);
        client.DefaultRequestHeaders.Add("X-Visitor-Id", visitorId ?? Guid.NewGuid().ToString("N"));
        client.DefaultRequestHeaders.Add("Origin", origin);
        return client;
    }

    public static Task<HttpResponseMessage> PostChatAsync(HttpClient visitor, string message, Guid? conversationId = null) =>
        visitor.PostAsJsonAsync("/api/v1/widget/chat", conversationId is null ? new { message, stream = true } : (object)new { message, conversationId, stream = true });

    public static async Task<Answer> AskAsync(HttpClient visitor, string message, Guid? conversationId = null)
    {
        var response = await PostChatAsync(visitor, message, conversationId);
        var body = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue(body);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        var text = "";
        JsonElement[] citations = [];
        JsonElement? done = null;
        foreach (var block in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            var name = lines.FirstOrDefault(l => l.StartsWith("event: ", StringComparison.Ordinal))?["event: ".Length..];
            var data = JsonDocument.Parse(string.Join("\n", lines.Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]))).RootElement;
            if (name == "delta") text += data.GetProperty("text").GetString();
            else if (name == "citations") citations = [.. data.GetProperty("citations").EnumerateArray()];
            else if (name == "done") done = data;
            else if (name == "error") throw new InvalidOperationException("The answer failed: " + data);
        }
        done.ShouldNotBeNull("the stream ended without done: " + body);
        return new Answer(text, done.Value.GetProperty("messageId").GetGuid(), done.Value.GetProperty("conversationId").GetGuid(), citations);
    }
}
