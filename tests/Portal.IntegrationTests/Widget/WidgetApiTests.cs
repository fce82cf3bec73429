using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.IntegrationTests.Infrastructure;
using static Portal.IntegrationTests.Widget.WidgetVisitors;

namespace Portal.IntegrationTests.Widget;

[Collection(DatabaseCollection.Name)]
public sealed class WidgetApiTests(SharedApp app)
{
    [Fact]
    public async Task A_visitor_on_an_allowed_site_gets_the_tenants_config_with_cors_for_that_site_only()
    {
        var (owner, key, _) = await ArrangeAsync(app);
        (await owner.Client.PutAsJsonAsync("/api/v1/widget/settings", new { title = "Help desk", color = "#112233", position = "left" }))
            .EnsureSuccessStatusCode();

        var response = await Visitor(app, key).GetAsync("/api/v1/widget/config");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("Access-Control-Allow-Origin").ShouldBe([Site]);
        response.Headers.Contains("Access-Control-Allow-Credentials").ShouldBeFalse();
        response.Headers.Vary.ShouldContain("Origin");
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldStartWith("default-src 'none'");
        var config = await response.Content.ReadFromJsonAsync<JsonElement>();
        config.GetProperty("title").GetString().ShouldBe("Help desk");
        config.GetProperty("position").GetString().ShouldBe("left");
        config.GetProperty("color").GetString().ShouldBe("#112233");
    }

    [Fact]
    public async Task A_site_outside_the_keys_allow_list_is_refused_with_403_and_no_cors_headers()
    {
        var (_, key, _) = await ArrangeAsync(app);

        var response = await Visitor(app, key, origin: "https://evil.example.test").GetAsync("/api/v1/widget/config");
        var noOrigin = app.CreateClient();
        noOrigin.DefaultRequestHeaders.Add("X-Widget-Key", key);
        noOrigin.DefaultRequestHeaders.Add("X-Visitor-Id", Guid.NewGuid().ToString("N"));

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        response.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString().ShouldBe("urn:portal:problem:origin-not-allowed");
        (await noOrigin.GetAsync("/api/v1/widget/config")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_preflight_is_answered_only_for_origins_that_a_publishable_key_allows()
    {
        await ArrangeAsync(app);

        var allowed = await app.CreateClient().SendAsync(Preflight(Site));
        var refused = await app.CreateClient().SendAsync(Preflight("https://evil.example.test"));

        allowed.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        allowed.Headers.GetValues("Access-Control-Allow-Origin").ShouldBe([Site]);
        allowed.Headers.GetValues("Access-Control-Allow-Headers").Single().ShouldContain("X-Widget-Key");
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        refused.Headers.Contains("Access-Control-Allow-Origin").ShouldBeFalse();
    }

    [Fact]
    public async Task Secret_keys_are_refused_by_the_widget_and_publishable_keys_everywhere_else()
    {
        var (owner, publishable, _) = await ArrangeAsync(app);
        var secret = await app.CreateSecretKeyAsync(owner);

        (await Visitor(app, secret).GetAsync("/api/v1/widget/config")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Visitor(app, "kb_pk_" + new string('x', 43)).GetAsync("/api/v1/widget/config")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await app.ClientWithKey(publishable).GetAsync("/api/v1/review-queue")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_widget_answer_streams_with_citations_and_the_visitor_continues_the_conversation()
    {
        var (_, key, _) = await ArrangeAsync(app);
        var visitor = Visitor(app, key);

        var first = await AskAsync(visitor, "How long do refunds take?");
        var second = await AskAsync(visitor, "And refunds for returns?", first.ConversationId);

        first.Text.ShouldContain("14 days");
        first.Citations.Single().GetProperty("documentName").GetString().ShouldBe("returns.md");
        first.Citations.Single().TryGetProperty("chunkId", out _).ShouldBeFalse("chunk ids stay on the server");
        second.ConversationId.ShouldBe(first.ConversationId);
    }

    [Fact]
    public async Task A_visitor_cannot_continue_or_rate_another_visitors_conversation()
    {
        var (_, key, _) = await ArrangeAsync(app);
        var alice = await AskAsync(Visitor(app, key), "How long do refunds take?");
        var mallory = Visitor(app, key);

        (await PostChatAsync(mallory, "What did Alice ask?", alice.ConversationId)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await mallory.PostAsJsonAsync("/api/v1/widget/feedback", new { messageId = alice.MessageId, rating = "down" }))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_visitors_thumbs_down_puts_the_answer_in_the_review_queue()
    {
        var (owner, key, kb) = await ArrangeAsync(app);
        var visitor = Visitor(app, key);
        var answer = await AskAsync(visitor, "How long do refunds take?");

        var rated = await visitor.PostAsJsonAsync("/api/v1/widget/feedback", new { messageId = answer.MessageId, rating = "down", comment = "Too vague" });

        rated.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var queue = await owner.Client.GetFromJsonAsync<JsonElement>($"/api/v1/review-queue?kbId={kb}");
        var item = queue.GetProperty("items").EnumerateArray().Single();
        item.GetProperty("messageId").GetGuid().ShouldBe(answer.MessageId);
        item.GetProperty("feedback")[0].GetProperty("comment").GetString().ShouldBe("Too vague");
        item.GetProperty("feedback")[0].GetProperty("channel").GetString().ShouldBe("widget");
    }

    [Fact]
    public async Task The_widget_script_may_be_loaded_by_any_site()
    {
        var response = await app.CreateClient().GetAsync("/widget.js");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("Cross-Origin-Resource-Policy").ShouldBe(["cross-origin"]);
        response.Headers.Contains("X-Frame-Options").ShouldBeFalse();
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/widget/chat");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type,x-widget-key,x-visitor-id");
        return request;
    }
}
