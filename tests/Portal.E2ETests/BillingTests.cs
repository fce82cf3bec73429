using Microsoft.Playwright;
using Portal.E2ETests.Infrastructure;

namespace Portal.E2ETests;

[Collection(BrowserCollection.Name)]
public sealed class BillingTests(BrowserPortal portal)
{
    [Fact]
    public async Task An_owner_sees_the_plan_and_usage_and_a_banner_once_a_limit_is_reached()
    {
        var page = await portal.NewPersonAsync();
        var email = BrowserPortal.NewEmail("payer");
        await page.RegisterAsync(email, "Paying Customers");
        await page.GotoAsync("billing");
        await Assertions.Expect(page.Locator("#billing-plan")).ToHaveAttributeAsync("data-plan", "free");
        var kbs = page.Locator("#billing-usage [data-resource='knowledgeBases']");
        await Assertions.Expect(kbs).ToHaveAttributeAsync("data-used", "0");
        await Assertions.Expect(kbs).ToHaveAttributeAsync("data-limit", "3");
        (await page.Locator("#plan-pro").IsVisibleAsync()).ShouldBeTrue();
        (await page.Locator("#billing-banner").CountAsync()).ShouldBe(0);
        // No Stripe key on this server: nothing is sold, and the page says who assigns plans.
        (await page.GetByText("Online payment is not configured on this server").IsVisibleAsync()).ShouldBeTrue();

        var tenantId = await portal.App.Database.AdminScalarAsync<Guid>(
            $"SELECT m.tenant_id FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = '{email}'");
        for (var i = 0; i < 3; i++) await SearchCorpus.CreateKnowledgeBaseAsync(portal.App, tenantId);
        await page.GotoAsync("");
        var banner = page.Locator("#billing-banner");
        await Assertions.Expect(banner).ToContainTextAsync("Limit reached");
        await Assertions.Expect(banner).ToContainTextAsync("Knowledge bases");
        await banner.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "Billing" }).ClickAsync();
        await Assertions.Expect(page.Locator("#billing-usage [data-resource='knowledgeBases']")).ToHaveAttributeAsync("data-used", "3");
    }
}
