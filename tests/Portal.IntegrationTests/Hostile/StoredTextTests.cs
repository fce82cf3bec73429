using System.Net;
using System.Text;
using System.Text.Json;
using Portal.IntegrationTests.Infrastructure;
using static Portal.TestSupport.SearchCorpus;

namespace Portal.IntegrationTests.Hostile;

/// <summary>Text that cannot be stored (NUL, other controls, unpaired surrogates) is a 400 naming the field, everywhere.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class StoredTextTests(SharedApp app)
{
    public static TheoryData<string> Forbidden => new() { "\\u0000", "\\u0007", "\\u001b", "\\u007f", "\\u0085", "\\ud800", "\\udfff" };

    [Theory]
    [MemberData(nameof(Forbidden))]
    public async Task A_forbidden_character_in_any_stored_string_is_a_400_naming_the_field(string escape)
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        var bad = $"a{escape}b";
        var cases = new (string Method, string Path, string Body, string Field)[]
        {
            ("POST", "/api/v1/auth/register", $$$"""{"email":"x{{{Guid.NewGuid():N}}}@example.test","password":"correct horse battery","tenantName":"{{{bad}}}"}""", "tenantName"),
            ("POST", "/api/v1/knowledge-bases", $$$"""{"name":"{{{bad}}}"}""", "name"),
            ("PATCH", $"/api/v1/knowledge-bases/{kb}", $$$"""{"name":"{{{bad}}}"}""", "name"),
            ("POST", $"/api/v1/knowledge-bases/{kb}/qa-pairs", $$$"""{"question":"{{{bad}}}","answer":"fine"}""", "question"),
            ("POST", $"/api/v1/knowledge-bases/{kb}/qa-pairs", $$$"""{"question":"fine","answer":"{{{bad}}}"}""", "answer"),
            ("POST", "/api/v1/chat", $$$"""{"message":"{{{bad}}}"}""", "message"),
            ("PUT", "/api/v1/synonyms", $$$"""{"synonyms":{"pto":["vacation","{{{bad}}}"]}}""", "synonyms.pto[1]"),
            ("PUT", "/api/v1/synonyms", $$$"""{"synonyms":{"{{{bad}}}":["vacation"]}}""", "synonyms"),
            ("POST", "/api/v1/api-keys", $$$"""{"name":"{{{bad}}}","kind":"secret"}""", "name"),
            ("PUT", "/api/v1/chat/settings", $$$"""{"idkMessage":"{{{bad}}}"}""", "idkMessage"),
            ("PUT", $"/api/v1/knowledge-bases/{kb}/generator", $$$"""{"kind":"extractive","settings":{"stop":["{{{bad}}}"]}}""", "settings.stop[0]"),
            ("POST", "/api/v1/search", $$$"""{"query":"{{{bad}}}"}""", "query"),
        };
        foreach (var (method, path, body, field) in cases)
        {
            var response = await owner.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            });
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"{method} {path}: {text}");
            JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue($"{method} {path}: {text}");
        }
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM qa_pairs WHERE tenant_id = '{owner.TenantId}'")).ShouldBe(0);
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM knowledge_bases WHERE tenant_id = '{owner.TenantId}'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_forbidden_character_in_a_query_string_is_a_400()
    {
        var owner = await app.RegisterAsync();
        var response = await owner.Client.GetAsync("/api/v1/review-queue?reason=%00");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("\u202Egpj.exe", "gpj.exe")]
    [InlineData("Support\u200B", "Support")]
    [InlineData("\u2066Sales\u2069", "Sales")]
    [InlineData("  Team  ", "Team")]
    public async Task Bidirectional_controls_and_invisible_edges_are_stripped_from_names(string raw, string stored)
    {
        var owner = await app.RegisterAsync();
        var response = await owner.Client.PostAsync("/api/v1/knowledge-bases",
            new StringContent(JsonSerializer.Serialize(new { name = raw }), Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("name").GetString().ShouldBe(stored);
    }

    [Theory]
    [InlineData("\u200B")]
    [InlineData("\u202E")]
    [InlineData("\u200B\u200C\u200D\uFEFF")]
    [InlineData("\u2800")]
    [InlineData("\u3164")]
    [InlineData("\u0301")]
    public async Task A_name_with_nothing_visible_is_refused(string raw)
    {
        var owner = await app.RegisterAsync();
        foreach (var (path, body) in new[]
                 {
                     ("/api/v1/knowledge-bases", (object)new { name = raw }),
                     ("/api/v1/api-keys", new { name = raw, kind = "secret" }),
                     ("/api/v1/auth/register", new { email = $"n{Guid.NewGuid():N}@example.test", password = "correct horse battery", tenantName = raw }),
                 })
        {
            var response = await owner.Client.PostAsync(path, new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, path);
        }
    }
}
