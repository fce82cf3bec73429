using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.E2ETests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2ETests;

/// <summary>Pages that follow work done elsewhere: uploads made through the API, seen on pages already open.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveUpdateTests(BrowserPortal portal)
{
    private static readonly LocatorAssertionsToContainTextOptions Slow = new() { Timeout = 90_000 };

    [Fact]
    public async Task A_document_uploaded_through_the_api_appears_and_reaches_indexed_on_an_open_knowledge_base_page()
    {
        var (page, client, kb) = await OpenKnowledgeBasePageAsync("Live Co");

        await UploadAsync(client, kb, "live.txt", "Pages follow the ingestion as it runs.");

        await Expect(page.Locator("#documents tr", new() { HasText = "live.txt" })).ToContainTextAsync("Indexed", Slow);
    }

    [Fact]
    public async Task Two_tenants_with_pages_open_never_see_each_others_live_events()
    {
        var (first, firstClient, firstKb) = await OpenKnowledgeBasePageAsync("First Tenant");
        var (second, _, _) = await OpenKnowledgeBasePageAsync("Second Tenant");

        await UploadAsync(firstClient, firstKb, "first-only.txt", "Only the first tenant sees this.");
        await Expect(first.Locator("#documents tr", new() { HasText = "first-only.txt" })).ToContainTextAsync("Indexed", Slow);

        await Expect(first.Locator("#documents")).Not.ToHaveAttributeAsync("data-live-events", "0");
        (await second.Locator("#documents").GetAttributeAsync("data-live-events")).ShouldBe("0");
        (await second.Locator("#documents").InnerTextAsync()).ShouldNotContain("first-only.txt");
    }

    private async Task<(IPage Page, HttpClient Client, Guid KbId)> OpenKnowledgeBasePageAsync(string tenantName)
    {
        var account = await portal.App.RegisterAsync(tenantName);
        var created = await account.Client.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "Support" });
        created.EnsureSuccessStatusCode();
        var kb = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var page = await portal.NewPersonAsync();
        await page.SignInAsync(account.Email, account.Password);
        await page.GotoAsync($"knowledge-bases/{kb}");
        await page.WaitForInteractiveAsync();
        return (page, account.Client, kb);
    }

    private static async Task UploadAsync(HttpClient client, Guid kb, string name, string text)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(text)), "files", name);
        (await client.PostAsync($"/api/v1/knowledge-bases/{kb}/documents", form)).StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted);
    }
}
