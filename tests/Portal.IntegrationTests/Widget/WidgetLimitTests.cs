using System.Net;
using System.Net.Http.Json;
using Portal.IntegrationTests.Infrastructure;
using static Portal.IntegrationTests.Widget.WidgetVisitors;

namespace Portal.IntegrationTests.Widget;

[Collection(DatabaseCollection.Name)]
public sealed class WidgetLimitTests(SharedApp shared)
{
    [Fact]
    public async Task A_burst_from_one_key_is_limited_while_another_keys_requests_keep_succeeding()
    {
        await using var app = new PortalApp(shared.Database, new Dictionary<string, string?>
        {
            ["Widget:PermitsPerMinutePerKey"] = "12",
            ["Widget:PermitsPerMinutePerIp"] = "100000",
        });
        var (_, noisy, _) = await ArrangeAsync(app);
        var (_, quiet, _) = await ArrangeAsync(app);
        var burst = Visitor(app, noisy);
        var calm = Visitor(app, quiet);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 30; i++)
        {
            var response = await burst.GetAsync("/api/v1/widget/config");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited ??= response;
            if (i % 5 == 0) (await calm.GetAsync("/api/v1/widget/config")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        statuses.Count(s => s == HttpStatusCode.OK).ShouldBeLessThanOrEqualTo(13);
        limited.ShouldNotBeNull();
        int.Parse(limited.Headers.GetValues("Retry-After").Single()).ShouldBeGreaterThan(0);
        limited.Headers.GetValues("Access-Control-Allow-Origin").ShouldBe([Site], "the widget must be able to read the countdown");
        (await calm.GetAsync("/api/v1/widget/config")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_daily_quota_answers_429_until_midnight_utc_and_counts_per_key()
    {
        var (owner, key, _) = await ArrangeAsync(shared);
        var other = await CreatePublishableKeyAsync(shared, owner);
        (await owner.Client.PutAsJsonAsync("/api/v1/widget/settings", new { dailyQuota = 2, color = "#0d6efd", position = "right" }))
            .EnsureSuccessStatusCode();
        var visitor = Visitor(shared, key);

        await AskAsync(visitor, "How long do refunds take?");
        await AskAsync(visitor, "How long do refunds take?");
        var third = await PostChatAsync(visitor, "How long do refunds take?");

        third.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        var now = DateTimeOffset.UtcNow;
        var untilMidnight = (new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero) - now).TotalSeconds;
        int.Parse(third.Headers.GetValues("Retry-After").Single()).ShouldBeInRange((int)untilMidnight - 60, (int)untilMidnight + 60);
        (await AskAsync(Visitor(shared, other), "How long do refunds take?")).Text.ShouldContain("14 days");
    }
}
