using System.Net;
using System.Text;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests;

[Collection(DatabaseCollection.Name)]
public sealed class HostileInputTests(SharedApp app)
{
    [Theory]
    [InlineData("{\"name\":")]
    [InlineData("not json at all")]
    [InlineData("{\"name\": 12, \"kind\": [}")]
    [InlineData("[]")]
    public async Task Malformed_json_gets_a_400_problem_without_internals(string body)
    {
        var owner = await app.RegisterAsync();
        var response = await owner.Client.PostAsync("/api/v1/api-keys", new StringContent(body, Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldContain("urn:portal:problem:");
        text.ShouldNotContain("   at ");
        text.ShouldNotContain("Exception");
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM api_keys WHERE tenant_id = '{owner.TenantId}'")).ShouldBe(0);
    }

    [Fact]
    public async Task An_oversized_body_gets_a_413_problem()
    {
        await using var small = new PortalApp(app.Database, new Dictionary<string, string?> { ["Web:MaxRequestBodyBytes"] = "4096" });
        var owner = await small.RegisterAsync();
        var huge = "{\"name\":\"" + new string('a', 64 * 1024) + "\",\"kind\":\"secret\"}";
        var response = await owner.Client.PostAsync("/api/v1/api-keys", new StringContent(huge, Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadAsStringAsync()).ShouldContain("urn:portal:problem:payload-too-large");
    }

    [Fact]
    public async Task Invalid_fields_get_a_400_problem_that_names_the_field()
    {
        var owner = await app.RegisterAsync();
        var response = await owner.Client.PostAsync("/api/v1/api-keys",
            new StringContent("{\"name\":\"k\",\"kind\":\"root\"}", Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("kind");
    }

    [Fact]
    public async Task Responses_carry_the_security_headers()
    {
        var response = await app.CreateClient().GetAsync("/healthz");
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("frame-ancestors 'none'");
        response.Headers.GetValues("X-Frame-Options").ShouldBe(["DENY"]);
    }

    [Fact]
    public async Task Hsts_is_sent_outside_development()
    {
        await using var production = new PortalApp(app.Database, environment: "Production");
        var client = production.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://portal.example.com") });
        var response = await client.GetAsync("/healthz");
        response.Headers.GetValues("Strict-Transport-Security").Single().ShouldContain("max-age=");
    }

    [Fact]
    public async Task A_burst_from_one_key_is_limited_with_retry_after_while_another_key_keeps_working()
    {
        await using var limited = new PortalApp(app.Database, new Dictionary<string, string?>
        {
            ["RateLimiting:PermitsPerMinutePerPrincipal"] = "20",
        });
        var owner = await limited.RegisterAsync();
        var noisy = limited.ClientWithKey(await limited.CreateSecretKeyAsync(owner, "noisy"));
        var quiet = limited.ClientWithKey(await limited.CreateSecretKeyAsync(owner, "quiet"));
        HttpResponseMessage? rejected = null;
        for (var i = 0; i < 60 && rejected is null; i++)
        {
            var r = await noisy.GetAsync("/api/v1/members");
            if (r.StatusCode == HttpStatusCode.TooManyRequests) rejected = r;
        }
        rejected.ShouldNotBeNull("60 requests in a burst should exceed 20 per minute");
        int.Parse(rejected.Headers.GetValues("Retry-After").Single()).ShouldBeGreaterThan(0);
        (await rejected.Content.ReadAsStringAsync()).ShouldContain("urn:portal:problem:rate-limited");
        (await quiet.GetAsync("/api/v1/members")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
