using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.IntegrationTests.Infrastructure;
using static Portal.IntegrationTests.Widget.WidgetVisitors;

namespace Portal.IntegrationTests.Review;

[Collection(DatabaseCollection.Name)]
public sealed class ReviewQueueTests(SharedApp app)
{
    private const string Question = "How long do refunds take?";

    [Fact]
    public async Task A_thumbs_down_lists_the_question_answer_citations_scores_and_comment()
    {
        var (owner, key, _) = await ArrangeAsync(app);
        var answer = await AskAsync(Visitor(app, key), Question);

        (await owner.Client.PostAsJsonAsync($"/api/v1/messages/{answer.MessageId}/feedback", new { rating = "down", comment = "Wrong policy" }))
            .StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var item = await SingleItemAsync(owner, "?reason=thumbs_down");
        item.GetProperty("question").GetString().ShouldBe(Question);
        item.GetProperty("answer").GetString()!.ShouldContain("14 days");
        item.GetProperty("citations")[0].GetProperty("chunkId").GetInt64().ShouldBeGreaterThan(0);
        item.GetProperty("retrieval")[0].GetProperty("score").GetDouble().ShouldBeGreaterThan(0);
        item.GetProperty("feedback")[0].GetProperty("comment").GetString().ShouldBe("Wrong policy");
        item.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ShouldBe(["thumbs_down"]);
    }

    [Fact]
    public async Task A_report_and_a_thumbs_down_on_one_answer_merge_into_one_item()
    {
        var (owner, key, _) = await ArrangeAsync(app);
        var answer = await AskAsync(Visitor(app, key), Question);

        await owner.Client.PostAsJsonAsync($"/api/v1/messages/{answer.MessageId}/feedback", new { rating = "down" });
        (await owner.Client.PostAsJsonAsync($"/api/v1/messages/{answer.MessageId}/report", new { reason = "Offensive" }))
            .StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var item = await SingleItemAsync(owner, "");
        item.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ShouldBe(["reported", "thumbs_down"]);
        item.GetProperty("feedback").EnumerateArray().Select(f => f.GetProperty("rating").GetString()).ShouldBe(["down", "report"]);
    }

    [Fact]
    public async Task An_i_dont_know_answer_is_in_the_queue_without_any_feedback()
    {
        var (owner, key, _) = await ArrangeAsync(app);

        await AskAsync(Visitor(app, key), "Zebra xylophone quantum?");

        (await SingleItemAsync(owner, "?reason=unknown")).GetProperty("question").GetString().ShouldBe("Zebra xylophone quantum?");
    }

    [Fact]
    public async Task A_correction_becomes_a_curated_answer_a_preference_pair_and_an_audit_entry()
    {
        var (owner, key, kb) = await ArrangeAsync(app);
        var visitor = Visitor(app, key);
        var original = await AskAsync(visitor, Question);
        await visitor.PostAsJsonAsync("/api/v1/widget/feedback", new { messageId = original.MessageId, rating = "down" });
        var item = await SingleItemAsync(owner, "");

        var corrected = await owner.Client.PostAsJsonAsync($"/api/v1/review-queue/{item.GetProperty("id")}/correct",
            new { answer = "Refunds take 5 business days." });

        corrected.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await corrected.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("status").GetString().ShouldBe("corrected");
        var qaPair = body.GetProperty("qaPairId").GetGuid();
        (await app.Database.AdminScalarAsync<string>($"SELECT source || ':' || knowledge_base_id || ':' || answer FROM qa_pairs WHERE id = '{qaPair}'"))
            .ShouldBe($"correction:{kb}:Refunds take 5 business days.");
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM chunks WHERE qa_pair_id = '{qaPair}'")).ShouldBe(1);
        (await app.Database.AdminScalarAsync<string>($"SELECT prompt || '|' || chosen || '|' || rejected FROM preference_pairs WHERE review_item_id = '{item.GetProperty("id")}'"))
            .ShouldBe($"{Question}|Refunds take 5 business days.|{original.Text}");
        (await app.Database.AdminScalarAsync<string>($"SELECT actor FROM audit_log WHERE action = 'review.corrected' AND target = '{item.GetProperty("id")}'"))
            .ShouldBe(owner.UserId.ToString());
        (await AskAsync(visitor, Question)).Text.ShouldBe("Refunds take 5 business days.");
    }

    [Fact]
    public async Task Approving_and_dismissing_resolve_items_once_and_are_audited()
    {
        var (owner, key, _) = await ArrangeAsync(app);
        var visitor = Visitor(app, key);
        foreach (var q in new[] { "Refunds?", "Refund time?" })
        {
            var answer = await AskAsync(visitor, q);
            await owner.Client.PostAsJsonAsync($"/api/v1/messages/{answer.MessageId}/feedback", new { rating = "down" });
        }
        var items = (await owner.Client.GetFromJsonAsync<JsonElement>("/api/v1/review-queue")).GetProperty("items").EnumerateArray().ToList();

        (await owner.Client.PostAsync($"/api/v1/review-queue/{items[0].GetProperty("id")}/approve", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await owner.Client.PostAsync($"/api/v1/review-queue/{items[1].GetProperty("id")}/dismiss", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await owner.Client.PostAsync($"/api/v1/review-queue/{items[1].GetProperty("id")}/approve", null)).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        (await owner.Client.GetFromJsonAsync<JsonElement>("/api/v1/review-queue")).GetProperty("items").GetArrayLength().ShouldBe(0);
        (await owner.Client.GetFromJsonAsync<JsonElement>("/api/v1/review-queue?status=approved")).GetProperty("items").GetArrayLength().ShouldBe(1);
        (await app.Database.AdminScalarAsync<long>(
            $"SELECT count(*) FROM audit_log WHERE tenant_id = '{owner.TenantId}' AND action IN ('review.approved', 'review.dismissed')")).ShouldBe(2);
    }

    [Fact]
    public async Task Only_a_chunk_the_answer_cites_can_be_marked_wrong()
    {
        var (owner, key, _) = await ArrangeAsync(app);
        var answer = await AskAsync(Visitor(app, key), Question);
        await owner.Client.PostAsJsonAsync($"/api/v1/messages/{answer.MessageId}/feedback", new { rating = "down" });
        var item = await SingleItemAsync(owner, "");
        var cited = item.GetProperty("citations")[0].GetProperty("chunkId").GetInt64();

        (await owner.Client.PostAsJsonAsync($"/api/v1/review-queue/{item.GetProperty("id")}/wrong-chunk", new { chunkId = cited + 1000 }))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await owner.Client.PostAsJsonAsync($"/api/v1/review-queue/{item.GetProperty("id")}/wrong-chunk", new { chunkId = cited }))
            .StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM chunk_flags WHERE chunk_id = {cited}")).ShouldBe(1);
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE action = 'review.chunk-flagged' AND target = '{item.GetProperty("id")}'")).ShouldBe(1);
    }

    [Fact]
    public async Task Viewers_cannot_read_the_review_queue()
    {
        var (owner, _, _) = await ArrangeAsync(app);
        var viewer = await app.RegisterAsync();
        await Invitations.JoinAsync(app, owner, viewer, "Viewer");
        var asViewer = await app.SignInAsync(viewer.Email, viewer.Password);
        asViewer.DefaultRequestHeaders.Add("X-Tenant-Id", owner.TenantId.ToString());

        (await asViewer.GetAsync("/api/v1/review-queue")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    private static async Task<JsonElement> SingleItemAsync(Account owner, string query) =>
        (await owner.Client.GetFromJsonAsync<JsonElement>("/api/v1/review-queue" + query)).GetProperty("items").EnumerateArray().Single();
}
