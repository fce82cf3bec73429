using System.Net;
using System.Text.Json;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Hostile;

/// <summary>Oversized heads, through real Kestrel: a ProblemDetails 431 or 414, never Kestrel's empty answer.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class RequestHeadLimitTests(SharedApp shared) : IAsyncLifetime
{
    private readonly PortalApp app = new(shared.Database);

    public Task InitializeAsync()
    {
        app.UseKestrel(0);
        app.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Headers_over_the_limit_get_a_431_problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Add("Cookie", "big=" + new string('a', 40 * 1024));
        await ShouldBeProblemAsync(await app.CreateClient().SendAsync(request), HttpStatusCode.RequestHeaderFieldsTooLarge, "headers-too-large");
    }

    [Fact]
    public async Task Too_many_headers_get_a_431_problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        for (var i = 0; i < 150; i++) request.Headers.Add($"X-Filler-{i}", "x");
        await ShouldBeProblemAsync(await app.CreateClient().SendAsync(request), HttpStatusCode.RequestHeaderFieldsTooLarge, "headers-too-large");
    }

    [Fact]
    public async Task A_url_over_the_limit_gets_a_414_problem()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/knowledge-bases?q=" + new string('a', 20 * 1024));
        await ShouldBeProblemAsync(response, HttpStatusCode.RequestUriTooLong, "uri-too-long");
    }

    private static async Task ShouldBeProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetString()
            .ShouldBe("urn:portal:problem:" + code);
    }
}
