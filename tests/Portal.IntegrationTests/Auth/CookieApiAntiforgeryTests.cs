using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Auth;

/// <summary>
/// Every API write authenticated by the portal's cookie needs the antiforgery header the page rendered;
/// bearer tokens and API keys never do. The sweep covers every mapped endpoint, so a new one cannot skip it.
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed partial class CookieApiAntiforgeryTests(SharedApp app)
{
    [Fact]
    public async Task Every_cookie_authenticated_api_write_without_the_header_is_refused_with_the_antiforgery_problem()
    {
        var owner = await app.RegisterAsync();
        var browser = await CookieClientAsync(owner);
        var writes = UnsafeApiEndpoints().ToList();
        writes.ShouldContain(w => w.Method == "POST" && w.Path == "/api/v1/members");
        writes.ShouldContain(w => w.Method == "POST" && w.Path == "/api/v1/api-keys");
        writes.ShouldContain(w => w.Method == "PUT" && w.Path == "/api/v1/synonyms");

        var accepted = new List<string>();
        foreach (var (method, path) in writes)
        {
            var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) };
            var response = await browser.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Forbidden || !body.Contains("\"urn:portal:problem:antiforgery\"", StringComparison.Ordinal))
                accepted.Add($"{method} {path}: {(int)response.StatusCode} {body[..Math.Min(200, body.Length)]}");
            else
                response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        }
        accepted.ShouldBeEmpty(string.Join("\n", accepted));
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM invitations WHERE tenant_id = '{owner.TenantId}'")).ShouldBe(0);
    }

    [Fact]
    public async Task A_cookie_session_invites_members_and_creates_keys_with_the_header_the_page_rendered()
    {
        var owner = await app.RegisterAsync();
        var browser = await CookieClientAsync(owner);
        var token = await PageTokenAsync(browser, "/members");

        var invite = new HttpRequestMessage(HttpMethod.Post, "/api/v1/members")
        {
            Content = JsonContent.Create(new { email = $"invitee-{Guid.NewGuid():N}@example.test", role = "Editor" }),
        };
        invite.Headers.Add("RequestVerificationToken", token);
        (await browser.SendAsync(invite)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var key = new HttpRequestMessage(HttpMethod.Post, "/api/v1/api-keys") { Content = JsonContent.Create(new { name = "from the page", kind = "secret" }) };
        key.Headers.Add("RequestVerificationToken", token);
        var created = await browser.SendAsync(key);
        created.IsSuccessStatusCode.ShouldBeTrue(await created.Content.ReadAsStringAsync());

        var forged = new HttpRequestMessage(HttpMethod.Post, "/api/v1/api-keys") { Content = JsonContent.Create(new { name = "forged", kind = "secret" }) };
        forged.Headers.Add("RequestVerificationToken", "not-a-token");
        (await browser.SendAsync(forged)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Api_key_and_bearer_writes_need_no_antiforgery_header()
    {
        var owner = await app.RegisterAsync();
        var secret = await app.CreateSecretKeyAsync(owner);
        var byKey = await app.ClientWithKey(secret).PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "by key" });
        byKey.StatusCode.ShouldBe(HttpStatusCode.Created, await byKey.Content.ReadAsStringAsync());
        var viaHeader = app.CreateClient();
        viaHeader.DefaultRequestHeaders.Add("X-Api-Key", secret);
        (await viaHeader.PutAsJsonAsync("/api/v1/synonyms", new { synonyms = new Dictionary<string, string[]> { ["kb"] = ["knowledge base"] } }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var byBearer = await owner.Client.PostAsJsonAsync("/api/v1/members", new { email = $"bearer-{Guid.NewGuid():N}@example.test", role = "Viewer" });
        byBearer.StatusCode.ShouldBe(HttpStatusCode.Created, await byBearer.Content.ReadAsStringAsync());
    }

    private async Task<HttpClient> CookieClientAsync(Account person)
    {
        var browser = app.CreateClient();
        (await browser.PostAsJsonAsync("/api/v1/auth/login?useCookies=true", new { email = person.Email, password = person.Password }))
            .EnsureSuccessStatusCode();
        return browser;
    }

    private static async Task<string> PageTokenAsync(HttpClient browser, string page)
    {
        var html = await browser.GetStringAsync(page);
        var match = TokenField().Match(html);
        match.Success.ShouldBeTrue(html);
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    // Route values are placeholders: the check runs before the endpoint, so whether the id exists does not matter.
    private IEnumerable<(string Method, string Path)> UnsafeApiEndpoints() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("api/v1/", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (m, e)))
            .Where(x => x.m is not ("GET" or "HEAD" or "OPTIONS"))
            // Where two endpoints share a route (ours over Identity's register and login), the lower order is the one reached.
            .GroupBy(x => (x.m, x.e.RoutePattern.RawText!.Trim('/')))
            .Select(g => g.OrderBy(x => x.e.Order).First())
            .Where(x => x.e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(x => (x.m, x.e.RoutePattern.RawText!))
            .Select(x => (x.m, "/" + RouteValue().Replace(x.Item2.Trim('/'), v => v.Groups[1].Value switch
            {
                "guid" => Guid.NewGuid().ToString(),
                "long" or "int" => "1",
                _ => "x",
            })))
            .Distinct();

    [GeneratedRegex(@"\{[^}:]+(?::(\w+))?[^}]*\}")]
    private static partial Regex RouteValue();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
