using Microsoft.Playwright;
using Portal.E2ETests.Infrastructure;

namespace Portal.E2ETests;

[Collection(BrowserCollection.Name)]
public sealed class ShellTests(BrowserPortal portal)
{
    [Theory]
    [InlineData("lib/bootstrap/bootstrap.min.css", "text/css")]
    [InlineData("lib/bootstrap/bootstrap.bundle.min.js", "text/javascript")]
    public async Task Bootstrap_from_npm_is_served_by_the_app(string path, string contentType)
    {
        var page = await portal.NewPersonAsync();

        var response = await page.APIRequest.GetAsync(path);

        response.Status.ShouldBe(200);
        response.Headers["content-type"].ShouldStartWith(contentType);
    }

    [Fact]
    public async Task On_a_narrow_screen_the_navigation_opens_from_the_toggler()
    {
        var page = await portal.NewPersonAsync();
        await page.RegisterAsync(BrowserPortal.NewEmail("mobile"), "Pocket Co");
        await page.SetViewportSizeAsync(390, 800);
        await page.WaitForInteractiveAsync();
        var members = page.Locator("nav").GetByRole(AriaRole.Link, new() { Name = "Members" });
        (await members.IsVisibleAsync()).ShouldBeFalse();

        await page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" }).ClickAsync();

        await members.WaitForAsync(new() { State = WaitForSelectorState.Visible });
        await page.ScreenshotAsync("dashboard-narrow");
    }

    [Fact]
    public async Task Signing_in_returns_a_person_to_the_page_they_asked_for()
    {
        var page = await portal.NewPersonAsync();
        var email = BrowserPortal.NewEmail("deep-link");
        await page.RegisterAsync(email, "Deep Links");
        await page.SignOutAsync();

        await page.GotoAsync("api-keys");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(BrowserPortal.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/api-keys");
    }
}
