using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portal.IntegrationTests.Infrastructure;
using static Portal.TestSupport.SearchCorpus;

namespace Portal.IntegrationTests.Chat;

[Collection(DatabaseCollection.Name)]
public sealed class ChatApiTests(SharedApp app)
{
    private static readonly ChunkSpec[] Handbook =
    [
        new("Employees receive 25 days of paid vacation per year. Vacation requests go to your manager.", Page: 4),
        new("Unused vacation days can be carried over until the end of March."),
        new("Laptops are carried over to new hires when staff leave the company."),
        new("The office opens at nine in the morning. Visitors sign in at reception."),
    ];

    [Fact]
    public async Task An_answer_quotes_the_retrieved_chunk_and_cites_it()
    {
        var (owner, kb, chunks) = await ArrangeAsync();
        var answer = await AskAsync(owner.Client, new { message = "How many vacation days do employees receive?", knowledgeBaseIds = new[] { kb } });

        answer.GetProperty("answer").GetString().ShouldBe("Employees receive 25 days of paid vacation per year. [1]");
        var citation = answer.GetProperty("citations").EnumerateArray().Single();
        citation.GetProperty("n").GetInt32().ShouldBe(1);
        citation.GetProperty("chunkId").GetInt64().ShouldBe(chunks[0]);
        citation.GetProperty("documentName").GetString().ShouldBe("handbook.md");
        citation.GetProperty("page").GetInt32().ShouldBe(4);
        answer.GetProperty("generator").GetString().ShouldBe("extractive");
        answer.GetProperty("confidence").GetDouble().ShouldBe(1.0);
        var messageId = answer.GetProperty("messageId").GetGuid();
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM messages WHERE conversation_id = '{answer.GetProperty("conversationId").GetGuid()}'")).ShouldBe(2);
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM review_items WHERE message_id = '{messageId}'")).ShouldBe(0);
    }

    [Fact]
    public async Task An_unanswerable_question_gets_the_tenants_I_dont_know_message_and_goes_to_review()
    {
        var (owner, kb, _) = await ArrangeAsync();
        (await owner.Client.PutAsJsonAsync("/api/v1/chat/settings", new { idkMessage = "Sorry, ask HR.", confidenceThreshold = 0.5 }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var answer = await AskAsync(owner.Client, new { message = "What is the dress code for the gala?", knowledgeBaseIds = new[] { kb } });
        answer.GetProperty("answer").GetString().ShouldBe("Sorry, ask HR.");
        answer.GetProperty("citations").GetArrayLength().ShouldBe(0);
        var reasons = await app.Database.AdminScalarAsync<string>(
            $"SELECT array_to_string(reasons, ',') || ':' || status FROM review_items WHERE message_id = '{answer.GetProperty("messageId").GetGuid()}'");
        reasons.ShouldBe("unknown:open");
        (await app.Database.AdminScalarAsync<string>($"SELECT outcome FROM messages WHERE id = '{answer.GetProperty("messageId").GetGuid()}'")).ShouldBe("unknown");
    }

    [Fact]
    public async Task A_follow_up_is_rewritten_with_the_previous_turn_and_finds_the_right_chunk()
    {
        var (owner, kb, chunks) = await ArrangeAsync();
        var first = await AskAsync(owner.Client, new { message = "How many vacation days do employees receive?", knowledgeBaseIds = new[] { kb } });
        var conversation = first.GetProperty("conversationId").GetGuid();

        var followUp = await AskAsync(owner.Client, new { message = "Can they be carried over?", conversationId = conversation });
        followUp.GetProperty("conversationId").GetGuid().ShouldBe(conversation);
        followUp.GetProperty("citations").EnumerateArray().Select(c => c.GetProperty("chunkId").GetInt64()).ShouldContain(chunks[1]);
        followUp.GetProperty("citations").EnumerateArray().Select(c => c.GetProperty("chunkId").GetInt64()).ShouldNotContain(chunks[2]);
        var query = await app.Database.AdminScalarAsync<string>(
            $"SELECT search_query FROM messages WHERE conversation_id = '{conversation}' AND role = 'user' ORDER BY created_at DESC LIMIT 1");
        query.ShouldContain("vacation");
        query.ShouldEndWith("Can they be carried over?");
    }

    [Fact]
    public async Task A_streamed_answer_sends_deltas_then_citations_then_done_and_the_deltas_make_the_answer()
    {
        var (owner, kb, _) = await ArrangeAsync();
        var response = await owner.Client.PostAsJsonAsync("/api/v1/chat",
            new { message = "When does the office open and where do visitors sign in?", knowledgeBaseIds = new[] { kb }, stream = true });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        var events = ParseSse(await response.Content.ReadAsStringAsync());

        var names = events.Select(e => e.Name).ToList();
        names.Last().ShouldBe("done");
        names[^2].ShouldBe("citations");
        names[..^2].ShouldAllBe(n => n == "delta");
        names.Count.ShouldBeGreaterThan(2);
        var streamed = string.Concat(events.Where(e => e.Name == "delta").Select(e => e.Data.GetProperty("text").GetString()));
        var done = events[^1].Data;
        var stored = await app.Database.AdminScalarAsync<string>($"SELECT content FROM messages WHERE id = '{done.GetProperty("messageId").GetGuid()}'");
        streamed.ShouldBe(stored);
        streamed.ShouldContain("The office opens at nine in the morning.");
        done.GetProperty("flagged").GetBoolean().ShouldBeFalse();
        events[^2].Data.GetProperty("citations")[0].GetProperty("n").GetInt32().ShouldBe(1);
    }

    [Theory]
    [InlineData("""{"message": ""}""", "message")]
    [InlineData("""{}""", "message")]
    public async Task An_invalid_question_is_rejected_naming_the_field(string body, string field)
    {
        var owner = await app.RegisterAsync();
        var response = await owner.Client.PostAsync("/api/v1/chat", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task An_unknown_conversation_or_knowledge_base_is_not_found_even_when_streaming()
    {
        var owner = await app.RegisterAsync();
        foreach (var body in new object[]
                 {
                     new { message = "hello there", conversationId = Guid.NewGuid() },
                     new { message = "hello there", knowledgeBaseIds = new[] { Guid.NewGuid() }, stream = true },
                 })
        {
            var response = await owner.Client.PostAsJsonAsync("/api/v1/chat", body);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }
    }

    [Fact]
    public async Task The_local_engine_slot_says_it_is_not_installed()
    {
        var (owner, kb, _) = await ArrangeAsync();
        (await owner.Client.PutAsJsonAsync($"/api/v1/knowledge-bases/{kb}/generator", new { kind = "local" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var response = await owner.Client.PostAsJsonAsync("/api/v1/chat", new { message = "vacation days", knowledgeBaseIds = new[] { kb } });
        response.StatusCode.ShouldBe(HttpStatusCode.NotImplemented);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString().ShouldBe("urn:portal:problem:local-engine-not-installed");
    }

    private async Task<(Account Owner, Guid Kb, long[] Chunks)> ArrangeAsync()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        var (_, chunks) = await AddDocumentAsync(app, owner.TenantId, kb, "handbook.md", Handbook);
        return (owner, kb, chunks);
    }

    internal static async Task<JsonElement> AskAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/v1/chat", body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement;
    }

    internal static List<(string Name, JsonElement Data)> ParseSse(string text) =>
        Regex.Matches(text, @"event: (\w+)\ndata: (.*)\n\n").Select(m => (m.Groups[1].Value, JsonDocument.Parse(m.Groups[2].Value).RootElement)).ToList();
}
