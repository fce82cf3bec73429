using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2ETests.Infrastructure;

/// <summary>What a visitor does with the widget; Playwright's CSS locators reach into its open shadow root.</summary>
internal static class WidgetPages
{
    public static ILocator Widget(this IPage page) => page.Locator("portal-chat-widget");

    public static async Task<ILocator> AskWidgetAsync(this IPage page, string question, string expected)
    {
        var widget = page.Widget();
        var input = widget.GetByLabel("Your question");
        if (!await input.IsVisibleAsync()) await widget.Locator("button.bubble").ClickAsync();
        await input.FillAsync(question);
        await widget.Locator("form.composer button[type=submit]").ClickAsync();
        var answer = widget.Locator(".msg.bot").Last;
        await Expect(answer.Locator(".md")).ToContainTextAsync(expected);
        return answer;
    }

    public static async Task ThumbsDownAsync(this ILocator answer, string comment)
    {
        await answer.GetByRole(AriaRole.Button, new() { Name = "Not helpful" }).ClickAsync();
        await answer.GetByLabel("What was wrong? (optional)").FillAsync(comment);
        await answer.GetByRole(AriaRole.Button, new() { Name = "Send feedback" }).ClickAsync();
        await Expect(answer.GetByText("Thanks for your feedback.")).ToBeVisibleAsync();
    }
}
