using System.Net.Http.Json;
using System.Text.Json;
using Portal.IntegrationTests.Infrastructure;
using Portal.IntegrationTests.Search;
using static Portal.IntegrationTests.Widget.WidgetVisitors;

namespace Portal.IntegrationTests.Review;

[Collection(DatabaseCollection.Name)]
public sealed class PromptInjectionTests(SharedApp app)
{
    [Fact]
    public async Task No_other_tenants_canary_reaches_a_widget_answer_or_the_review_queue_whatever_the_question_says()
    {
        var theirs = "CANARY" + Guid.NewGuid().ToString("N")[..10];
        var other = await app.RegisterAsync();
        var otherKb = await SearchCorpus.CreateKnowledgeBaseAsync(app, other.TenantId);
        await SearchCorpus.AddDocumentAsync(app, other.TenantId, otherKb, $"{theirs}.md",
            [.. PromptInjectionCorpus.Hostile(theirs).Select(t => new SearchCorpus.ChunkSpec(t))]);
        var (owner, key, kb) = await ArrangeAsync(app);
        await SearchCorpus.AddDocumentAsync(app, owner.TenantId, kb, "hostile.md",
            [.. PromptInjectionCorpus.Hostile("OURCANARY").Select(t => new SearchCorpus.ChunkSpec(t))]);
        var visitor = Visitor(app, key);

        foreach (var question in PromptInjectionCorpus.Questions)
        {
            var answer = await AskAsync(visitor, question);
            answer.Text.ShouldNotContain(theirs, Case.Insensitive, question);
            JsonSerializer.Serialize(answer.Citations).ShouldNotContain(theirs, Case.Insensitive, question);
            await owner.Client.PostAsJsonAsync($"/api/v1/messages/{answer.MessageId}/feedback", new { rating = "down" });
        }

        var queue = await owner.Client.GetStringAsync("/api/v1/review-queue?limit=200");
        queue.ShouldNotContain(theirs, Case.Insensitive);
        queue.ShouldContain("OURCANARY", Case.Sensitive, "the tenant's own hostile documents were answered from");
    }
}
