using System.Net;
using System.Text.RegularExpressions;
using Portal.IntegrationTests.Infrastructure;
using static Portal.TestSupport.SearchCorpus;

namespace Portal.IntegrationTests.Pages;

[Collection(DatabaseCollection.Name)]
public sealed class ChatPagesTests(SharedApp app)
{
    [Fact]
    public async Task The_chat_page_answers_a_question_with_its_citations_and_continues_the_conversation()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        await AddDocumentAsync(app, owner.TenantId, kb, "handbook.md", [new("Employees receive 25 days of paid vacation per year.", Page: 2)]);

        var html = await PostAsync(owner.Client, "/chat", "ask", new()
        {
            ["Input.Message"] = "How many vacation days do employees receive?", ["Input.KnowledgeBaseId"] = kb.ToString(),
        });
        html.ShouldContain("Employees receive 25 days of paid vacation per year. [1]");
        html.ShouldContain("handbook.md</strong>, page 2 — Employees receive");
        var conversation = Regex.Match(html, "name=\"Input.ConversationId\" value=\"([0-9a-f-]+)\"").Groups[1].Value;
        conversation.ShouldNotBeEmpty();

        var next = await PostAsync(owner.Client, "/chat", "ask", new() { ["Input.Message"] = "What about parking?", ["Input.ConversationId"] = conversation });
        next.ShouldContain("How many vacation days do employees receive?");
        next.ShouldContain("What about parking?");
    }

    [Fact]
    public async Task A_thumbs_down_on_the_chat_page_sends_the_answer_to_the_review_queue_with_the_comment()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        await AddDocumentAsync(app, owner.TenantId, kb, "handbook.md", [new("Employees receive 25 days of paid vacation per year.")]);
        var html = await PostAsync(owner.Client, "/chat", "ask", new()
        {
            ["Input.Message"] = "How many vacation days do employees receive?", ["Input.KnowledgeBaseId"] = kb.ToString(),
        });
        var messageId = Guid.Parse(Regex.Match(html, "data-message-id=\"([0-9a-f-]+)\"").Groups[1].Value);
        var conversation = Regex.Match(html, "name=\"Input.ConversationId\" value=\"([0-9a-f-]+)\"").Groups[1].Value;

        var rated = await PostAsync(owner.Client, "/chat", $"feedback-{messageId:N}", new()
        {
            ["rating"] = "down", ["comment"] = "We give 30 days now", ["conversationId"] = conversation,
        }, getPath: $"/chat?conversationId={conversation}");
        rated.ShouldContain("Thanks, your feedback was recorded.");
        (await app.Database.AdminScalarAsync<string>(
            $"SELECT array_to_string(reasons, ',') FROM review_items WHERE message_id = '{messageId}'")).ShouldContain("thumbs_down");
        (await app.Database.AdminScalarAsync<string>(
            $"SELECT comment FROM feedback WHERE message_id = '{messageId}' AND rating = 'down'")).ShouldBe("We give 30 days now");
    }

    [Fact]
    public async Task The_qa_page_adds_imports_and_lists_pairs()
    {
        var owner = await app.RegisterAsync();
        var kb = await CreateKnowledgeBaseAsync(app, owner.TenantId);
        var path = $"/knowledge-bases/{kb}/qa-pairs";

        var created = await PostAsync(owner.Client, path, "create-qa-pair", new() { ["Input.Question"] = "Who approves travel?", ["Input.Answer"] = "Your manager." });
        created.ShouldContain("Pair added.");
        created.ShouldContain("Who approves travel?");
        var imported = await PostAsync(owner.Client, path, "import-qa-pairs",
            new() { ["pasted"] = "{\"question\": \"Where is the printer?\", \"answer\": \"Room 4.\"}\n{\"question\": 1}" }, multipart: true);
        imported.ShouldContain("Imported 1, skipped 0 duplicate(s), rejected 1 row(s).");
        imported.ShouldContain("Where is the printer?");
        imported.ShouldContain($"/api/v1/knowledge-bases/{kb}/qa-pairs/export");
    }

    private Task<string> PostAsync(HttpClient signedIn, string path, string handler, Dictionary<string, string> fields,
        bool multipart = false, string? getPath = null) => PageForms.PostAsync(app, signedIn, path, handler, fields, multipart, getPath);
}
