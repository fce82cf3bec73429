using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.E2ETests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2ETests;

/// <summary>Answers quote documents verbatim here; markup in them must stay text in the widget and in the review queue.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HostileAnswerTests(BrowserPortal portal)
{
    [Fact]
    public async Task Markup_in_a_document_renders_no_remote_image_and_runs_no_script_in_the_widget_or_the_review_queue()
    {
        var email = BrowserPortal.NewEmail("owner");
        var api = new HttpClient { BaseAddress = portal.BaseAddress };
        var registered = await api.PostAsJsonAsync("api/v1/auth/register", new { email, password = BrowserPortal.Password, tenantName = "Hostile docs" });
        var tenantId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tenantId").GetGuid();
        var login = await api.PostAsJsonAsync("api/v1/auth/login", new { email, password = BrowserPortal.Password });
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        var kb = await SearchCorpus.CreateKnowledgeBaseAsync(portal.App, tenantId);
        await SearchCorpus.AddDocumentAsync(portal.App, tenantId, kb, "hostile.md",
            [.. PromptInjectionCorpus.Hostile("CANARYHOSTILE").Select(t => new SearchCorpus.ChunkSpec(t))]);
        await using var shop = await WidgetSite.StartAsync(portal.BaseAddress);
        var created = await api.PostAsJsonAsync("api/v1/api-keys", new { name = "Shop", kind = "publishable", allowedOrigins = new[] { shop.Origin } });
        shop.Key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;

        var context = await portal.Browser.NewContextAsync();
        context.SetDefaultTimeout(15_000);
        var remote = new List<string>();
        await context.RouteAsync(url => url.Contains("evil.example", StringComparison.OrdinalIgnoreCase), async route => { remote.Add(route.Request.Url); await route.AbortAsync(); });
        var visitor = await context.NewPageAsync();
        await visitor.GotoAsync(shop.Address.ToString());
        foreach (var question in new[] { "What shipping images are there?", "Is there a shipping script?" })
        {
            var answer = await visitor.AskWidgetAsync(question, "Shipping");
            await answer.ThumbsDownAsync("looks broken");
        }
        (await visitor.EvaluateAsync<int>($$"""
            () => document.querySelector("portal-chat-widget").shadowRoot
                .querySelectorAll("script, iframe, img:not([src^='{{portal.BaseAddress.GetLeftPart(UriPartial.Authority)}}'])").length
            """)).ShouldBe(0);
        (await visitor.EvaluateAsync<bool>("() => window.__pwned === undefined")).ShouldBeTrue();

        var admin = await context.NewPageAsync();
        await admin.GotoAsync(new Uri(portal.BaseAddress, "account/login").ToString());
        await admin.GetByLabel("Email").FillAsync(email);
        await admin.GetByLabel("Password").FillAsync(BrowserPortal.Password);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await admin.GotoAsync(new Uri(portal.BaseAddress, "review").ToString());
        await Expect(admin.Locator(".review-item .answer").First).ToContainTextAsync("Shipping");
        (await admin.Locator("main img, .review-item img, .review-item script, .review-item iframe").CountAsync()).ShouldBe(0);
        (await admin.EvaluateAsync<bool>("() => window.__pwned === undefined")).ShouldBeTrue();
        remote.ShouldBeEmpty("nothing may be fetched from the addresses in the documents");
    }
}
