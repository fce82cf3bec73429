using Microsoft.Playwright;
using Portal.E2ETests.Infrastructure;

namespace Portal.E2ETests;

[Collection(BrowserCollection.Name)]
public sealed class AccountTests(BrowserPortal portal)
{
    [Fact]
    public async Task A_person_registers_in_the_browser_and_lands_on_the_dashboard_of_their_tenant()
    {
        var page = await portal.NewPersonAsync();
        var email = BrowserPortal.NewEmail("founder");

        await page.RegisterAsync(email, "Founders Inc");

        (await page.TenantHeading().InnerTextAsync()).ShouldBe("Founders Inc");
        (await page.Locator("#tenant-role").InnerTextAsync()).ShouldBe("Owner");
        (await page.Locator("nav").InnerTextAsync()).ShouldContain(email);
        await page.ScreenshotAsync("dashboard");
    }

    [Fact]
    public async Task A_person_signs_out_and_signs_in_again()
    {
        var page = await portal.NewPersonAsync();
        var email = BrowserPortal.NewEmail("returning");
        await page.RegisterAsync(email, "Returning Ltd");

        await page.SignOutAsync();
        await page.GotoAsync("members");
        new Uri(page.Url).AbsolutePath.ShouldBe("/account/login");
        await page.SignInAsync(email);

        (await page.TenantHeading().InnerTextAsync()).ShouldBe("Returning Ltd");
    }

    [Fact]
    public async Task A_wrong_password_shows_the_same_message_as_an_unknown_email()
    {
        var page = await portal.NewPersonAsync();
        var email = BrowserPortal.NewEmail("careless");
        await page.RegisterAsync(email, "Careless Co");
        await page.SignOutAsync();

        await page.SignInAsync(email, "not the password at all");
        var wrongPassword = await page.GetByRole(AriaRole.Alert).InnerTextAsync();
        await page.SignInAsync(BrowserPortal.NewEmail("nobody"));
        var unknownEmail = await page.GetByRole(AriaRole.Alert).InnerTextAsync();

        wrongPassword.ShouldContain("The email or password is wrong");
        unknownEmail.ShouldBe(wrongPassword);
        new Uri(page.Url).AbsolutePath.ShouldBe("/account/login");
    }
}
