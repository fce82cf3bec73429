using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.E2ETests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2ETests;

[Collection(BrowserCollection.Name)]
public sealed class KnowledgeBaseSettingsTests(BrowserPortal portal)
{
    [Fact]
    public async Task The_settings_form_renames_and_rechunks_and_the_page_shows_the_new_settings()
    {
        var (page, client, kb) = await OpenAsync();

        await page.GetByText("Settings", new() { Exact = true }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Field guide");
        await page.GetByLabel("Chunk size (tokens)").FillAsync("300");
        await page.GetByLabel("Overlap (tokens)").FillAsync("20");
        // A numeric field commits its value on change; leaving it sends that change ahead of the click.
        await page.GetByLabel("Overlap (tokens)").PressAsync("Tab");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(page.Locator("#kb-summary")).ToContainTextAsync("300 tokens, overlap 20", new() { Timeout = 20_000 });
        var saved = (await client.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases")).EnumerateArray().Single(k => k.GetProperty("id").GetGuid() == kb);
        saved.GetProperty("name").GetString().ShouldBe("Field guide");
        saved.GetProperty("chunking").GetProperty("chunkSize").GetInt32().ShouldBe(300);
    }

    [Fact]
    public async Task An_overlap_as_large_as_the_chunk_size_is_refused_and_changes_nothing()
    {
        var (page, client, kb) = await OpenAsync();

        await page.GetByText("Settings", new() { Exact = true }).ClickAsync();
        await page.GetByLabel("Chunk size (tokens)").FillAsync("100");
        await page.GetByLabel("Overlap (tokens)").FillAsync("100");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(page.GetByText("The overlap must be smaller than the chunk size.")).ToBeVisibleAsync();
        var stored = (await client.GetFromJsonAsync<JsonElement>("/api/v1/knowledge-bases")).EnumerateArray().Single(k => k.GetProperty("id").GetGuid() == kb);
        stored.GetProperty("chunking").GetProperty("chunkSize").GetInt32().ShouldBe(500);
    }

    private async Task<(IPage Page, HttpClient Client, Guid KbId)> OpenAsync()
    {
        var account = await portal.App.RegisterAsync("Settings Co");
        var created = await account.Client.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "Handbook" });
        created.EnsureSuccessStatusCode();
        var kb = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var page = await portal.NewPersonAsync();
        await page.SignInAsync(account.Email, account.Password);
        await page.GotoAsync($"knowledge-bases/{kb}");
        await page.WaitForInteractiveAsync();
        return (page, account.Client, kb);
    }
}
