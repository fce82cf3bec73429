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
}
