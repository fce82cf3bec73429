using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Portal.Identity;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Jobs;

/// <summary>Hangfire's dashboard at /jobs is for platform operators only, by cookie and by bearer token alike.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class JobsDashboardTests(SharedApp app)
{
    private HttpClient Browser() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task An_anonymous_browser_is_sent_to_sign_in_and_an_anonymous_program_gets_401()
    {
        var page = await Browser().GetAsync("/jobs");
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.ToString().ShouldContain("/account/login");

        var program = Browser();
        program.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        (await program.GetAsync("/jobs")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_tenant_owner_without_the_operator_role_gets_403_by_cookie_and_by_bearer_token()
    {
        var owner = await app.RegisterAsync();
        (await owner.Client.GetAsync("/jobs")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await (await CookieClientAsync(owner)).GetAsync("/jobs")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var key = await app.CreateSecretKeyAsync(owner);
        (await app.ClientWithKey(key).GetAsync("/jobs")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_granted_operator_sees_the_dashboard_until_the_role_is_revoked()
    {
        var person = await app.RegisterAsync();
        await OperatorsAsync(o => o.GrantAsync(person.Email, CancellationToken.None));
        var cookie = await CookieClientAsync(person);

        var byBearer = await person.Client.GetAsync("/jobs");
        byBearer.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await byBearer.Content.ReadAsStringAsync()).ShouldContain("Portal jobs");
        (await cookie.GetAsync("/jobs")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await cookie.GetAsync("/jobs/servers")).StatusCode.ShouldBe(HttpStatusCode.OK);

        await OperatorsAsync(o => o.RevokeAsync(person.Email, CancellationToken.None));
        (await person.Client.GetAsync("/jobs")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    private async Task<HttpClient> CookieClientAsync(Account account)
    {
        var browser = Browser();
        (await browser.PostAsJsonAsync("/api/v1/auth/login?useCookies=true", new { email = account.Email, password = account.Password }))
            .EnsureSuccessStatusCode();
        return browser;
    }

    private async Task OperatorsAsync(Func<PlatformOperators, Task<bool>> change)
    {
        await using var scope = app.Services.CreateAsyncScope();
        (await change(scope.ServiceProvider.GetRequiredService<PlatformOperators>())).ShouldBeTrue();
    }
}
