using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Ui;

[Collection(DatabaseCollection.Name)]
public sealed class InteractivePagesTests(SharedApp app)
{
    [Fact]
    public async Task A_signed_in_page_is_prerendered_with_MudBlazor_and_carries_the_server_markers_and_the_framework_script()
    {
        var browser = await SignedInBrowserAsync();

        var html = await browser.GetStringAsync("/");

        html.ShouldContain("<!--Blazor:{\"type\":\"server\"");
        html.ShouldContain("mud-appbar");
        html.ShouldContain("id=\"tenant-name\"");
        html.ShouldContain("_framework/blazor.web.");
    }

    [Fact]
    public async Task Sign_in_stays_a_static_page_without_the_circuit()
    {
        var html = await app.CreateClient().GetStringAsync("/account/login");

        html.ShouldContain("Sign in");
        html.ShouldNotContain("Blazor:{\"type\":\"server\"");
        html.ShouldNotContain("_framework/blazor.web.");
    }

    [Fact]
    public async Task A_browser_asking_for_a_missing_page_gets_html_and_an_api_client_gets_problem_details()
    {
        var client = app.CreateClient();
        using var page = new HttpRequestMessage(HttpMethod.Get, "/no-such-page");
        page.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");

        var html = await client.SendAsync(page);
        var api = await client.GetAsync("/api/v1/no-such-thing");

        html.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        html.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await html.Content.ReadAsStringAsync()).ShouldContain("Page not found");
        api.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        api.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task The_favicon_is_served()
    {
        var response = await app.CreateClient().GetAsync("/favicon.svg");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("image/svg+xml");
    }

    private async Task<HttpClient> SignedInBrowserAsync()
    {
        var account = await app.RegisterAsync();
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        (await browser.PostAsJsonAsync("/api/v1/auth/login?useCookies=true", new { email = account.Email, password = account.Password }))
            .EnsureSuccessStatusCode();
        return browser;
    }
}
