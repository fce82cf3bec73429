using Microsoft.Playwright;
using Portal.E2ETests.Infrastructure;

namespace Portal.E2ETests;

[Collection(BrowserCollection.Name)]
public sealed class ApiKeyTests(BrowserPortal portal)
{
    [Fact]
    public async Task A_new_secret_key_is_shown_once_and_not_after_reloading()
    {
        var page = await portal.NewPersonAsync();
        await page.RegisterAsync(BrowserPortal.NewEmail("builder"), "Key Makers");
        await page.GotoAsync("api-keys");
        (await page.Locator("#no-keys").IsVisibleAsync()).ShouldBeTrue();

        await page.GetByLabel("Name").FillAsync("Build server");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var secret = await page.Locator("#new-secret-value").InputValueAsync();
        secret.ShouldStartWith("kb_sk_");
        (await page.Locator("#api-keys tr[data-name='Build server']").CountAsync()).ShouldBe(1);

        await page.GotoAsync("api-keys");
        (await page.Locator("#new-secret").CountAsync()).ShouldBe(0);
        (await page.ContentAsync()).ShouldNotContain(secret);
        (await page.Locator("#api-keys tr[data-name='Build server']").CountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task A_revoked_key_is_marked_revoked_on_the_page_and_refused_by_the_api()
    {
        var page = await portal.NewPersonAsync();
        await page.RegisterAsync(BrowserPortal.NewEmail("revoker"), "Key Revokers");
        await page.GotoAsync("api-keys");
        await page.GetByLabel("Name").FillAsync("Old server");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var secret = await page.Locator("#new-secret-value").InputValueAsync();
        using var api = new HttpClient { BaseAddress = portal.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        (await api.GetAsync("api/v1/knowledge-bases")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);

        var row = page.Locator("#api-keys tr[data-name='Old server']");
        await row.Locator("summary", new() { HasText = "Revoke" }).ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Yes, revoke" }).ClickAsync();
        await Assertions.Expect(page.GetByText("API key revoked.")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#api-keys tr[data-name='Old server']")).ToContainTextAsync("Revoked");
        (await api.GetAsync("api/v1/knowledge-bases")).StatusCode.ShouldBe(System.Net.HttpStatusCode.Unauthorized);
    }
}
