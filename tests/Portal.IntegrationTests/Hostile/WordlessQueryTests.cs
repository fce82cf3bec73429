using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.IntegrationTests.Infrastructure;
using static Portal.TestSupport.SearchCorpus;

namespace Portal.IntegrationTests.Hostile;

/// <summary>Queries with no word in them: nothing to match, and no vector to compare, yet never an error.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class WordlessQueryTests(SharedApp app)
{
    public static TheoryData<string> Wordless => new() { "%", "_", "\\", "(((((", "???", "😀🔥🎉", "'", "\"", ":*", "&|!", "<->", "-", "…", "\u200b", "%_%\\" };

    [Theory]
    [MemberData(nameof(Wordless))]
    public async Task A_wordless_query_searches_to_an_empty_or_ordinary_result_in_every_mode(string query)
    {
        var (owner, kb) = await TenantAsync();
        foreach (var mode in new[] { "hybrid", "vector", "keyword" })
        {
            var response = await owner.Client.PostAsJsonAsync("/api/v1/search", new { query, mode, knowledgeBaseIds = new[] { kb } });
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{mode}: {text}");
            var results = JsonDocument.Parse(text).RootElement.GetProperty("results");
            foreach (var r in results.EnumerateArray()) double.IsFinite(r.GetProperty("score").GetDouble()).ShouldBeTrue();
        }
    }

    [Theory]
    [MemberData(nameof(Wordless))]
    public async Task A_wordless_question_gets_an_answer_not_an_error(string message)
    {
        var (owner, kb) = await TenantAsync();
        var plain = await owner.Client.PostAsJsonAsync("/api/v1/chat", new { message, knowledgeBaseIds = new[] { kb } });
        var text = await plain.Content.ReadAsStringAsync();
        plain.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        var answer = JsonDocument.Parse(text).RootElement;
        answer.GetProperty("answer").GetString().ShouldNotBeNullOrWhiteSpace();
        double.IsFinite(answer.GetProperty("confidence").GetDouble()).ShouldBeTrue();

        var streamed = await owner.Client.PostAsJsonAsync("/api/v1/chat", new { message, knowledgeBaseIds = new[] { kb }, stream = true });
        var events = await streamed.Content.ReadAsStringAsync();
        streamed.StatusCode.ShouldBe(HttpStatusCode.OK);
        events.ShouldNotContain("event: error");
        events.ShouldContain("event: done");
    }

    private async Task<(Account Owner, Guid Kb)> TenantAsync()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        await AddDocumentAsync(app, owner.TenantId, kb, "handbook.md",
            [new("Employees receive 25 days of paid vacation per year."), new("The office opens at nine.")]);
        return (owner, kb);
    }
}
