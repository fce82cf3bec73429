using Portal.E2ETests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2ETests;

[Collection(BrowserCollection.Name)]
public sealed class LayoutTests(BrowserPortal portal)
{
    // A loaded machine (every suite at once on two cores) can take longer than the default five seconds per round trip.
    private static readonly Microsoft.Playwright.LocatorAssertionsToHaveAttributeOptions Loaded = new() { Timeout = 20_000 };

    [Fact]
    public async Task Dark_mode_is_remembered_for_the_person_across_page_loads()
    {
        var page = await portal.NewPersonAsync();
        await page.RegisterAsync(BrowserPortal.NewEmail("night"), "Night Shift");
        await page.WaitForInteractiveAsync();
        var light = await BackgroundAsync(page);

        await page.Locator("#dark-mode-toggle").ClickAsync();
        await Expect(page.Locator("#dark-mode-toggle")).ToHaveAttributeAsync("aria-pressed", "true", Loaded);
        await page.ReloadAsync();
        await page.WaitForInteractiveAsync();

        await Expect(page.Locator("#dark-mode-toggle")).ToHaveAttributeAsync("aria-pressed", "true", Loaded);
        (await BackgroundAsync(page)).ShouldNotBe(light);
    }

    [Fact]
    public async Task Choosing_chinese_from_the_menu_shows_the_portal_in_chinese_and_is_remembered()
    {
        var page = await portal.NewPersonAsync();
        await page.RegisterAsync(BrowserPortal.NewEmail("zh"), "上海支持");
        await page.WaitForInteractiveAsync();

        await page.Locator("#culture-zh").ClickAsync();
        await page.WaitForInteractiveAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Expect(page.Locator("nav")).ToContainTextAsync("知识库");
        await page.GotoAsync("review");

        await Expect(page.GetByText("审核队列").First).ToBeVisibleAsync();
        (await page.Locator("nav").InnerTextAsync()).ShouldNotContain("Knowledge bases");
    }

    [Theory]
    [InlineData("")]
    [InlineData("review")]
    public async Task A_390_pixel_phone_screen_shows_the_page_without_horizontal_scrolling(string path)
    {
        var page = await portal.NewPersonAsync();
        await page.RegisterAsync(BrowserPortal.NewEmail("phone"), "Pocket Support");
        await page.SetViewportSizeAsync(390, 800);
        await page.GotoAsync(path);
        await page.WaitForInteractiveAsync();

        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");

        overflow.ShouldBeLessThanOrEqualTo(0);
    }

    private static Task<string> BackgroundAsync(Microsoft.Playwright.IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
}
