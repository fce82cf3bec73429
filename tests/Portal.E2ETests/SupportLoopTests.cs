using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.E2ETests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2ETests;

/// <summary>
/// The whole support-bot loop in a real browser: a visitor on a tenant's site asks the widget, dislikes
/// the answer, an admin corrects it in the review queue, and the widget then answers with the correction.
/// The document is uploaded through the API and goes through the real ingestion pipeline; answers come from
/// the real chat service.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SupportLoopTests(BrowserPortal portal)
{
    private const string Question = "How long do refunds take?";

    [Fact]
    public async Task A_disliked_widget_answer_is_corrected_in_the_review_queue_and_the_widget_then_gives_the_correction()
    {
        var (email, tenantId, api) = await RegisterAsync("Acme support");
        await UploadAndWaitUntilIndexedAsync(api, "returns.md", "# Returns\n\nRefunds are paid within 14 days of the return arriving.\n");
        await using var shop = await WidgetSite.StartAsync(portal.BaseAddress);
        await using var stranger = await WidgetSite.StartAsync(portal.BaseAddress);
        var key = await CreateWidgetKeyAsync(api, shop.Origin);
        shop.Key = stranger.Key = key;

        // The review page is open before the visitor dislikes the answer: the flagged item arrives without a reload.
        var admin = await portal.NewPersonAsync();
        await admin.SignInAsync(email);
        await admin.GotoAsync("review");
        await admin.WaitForInteractiveAsync();
        await Expect(admin.Locator(".review-item")).ToHaveCountAsync(0);

        var visitor = await NewVisitorAsync();
        await visitor.GotoAsync(shop.Address.ToString());
        var answer = await visitor.AskWidgetAsync(Question, "14 days");
        await Expect(answer.Locator("button.cite")).ToHaveCountAsync(1);
        await answer.ThumbsDownAsync("That is not our policy");

        var item = admin.Locator(".review-item", new() { HasText = Question });
        await Expect(item.Locator(".feedback")).ToContainTextAsync("That is not our policy", new() { Timeout = 30_000 });
        await Expect(item.Locator(".answer")).ToContainTextAsync("14 days");
        await Expect(item.Locator(".citations")).ToContainTextAsync("returns.md");
        await item.GetByRole(AriaRole.Button, new() { Name = "Correct" }).ClickAsync();
        var dialog = admin.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Correct answer").FillAsync("Refunds take 5 business days.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save correction" }).ClickAsync();
        await Expect(admin.GetByText("Correction saved as a curated answer.")).ToBeVisibleAsync();
        (await portal.App.Database.AdminScalarAsync<long>(
            $"SELECT count(*) FROM qa_pairs WHERE tenant_id = '{tenantId}' AND source = 'correction' AND answer = 'Refunds take 5 business days.'")).ShouldBe(1);

        await visitor.AskWidgetAsync(Question, "Refunds take 5 business days.");

        var outsider = await NewVisitorAsync();
        var refused = new TaskCompletionSource();
        outsider.RequestFailed += (_, r) => { if (r.Url.EndsWith("/api/v1/widget/config", StringComparison.Ordinal)) refused.TrySetResult(); };
        await outsider.GotoAsync(stranger.Address.ToString());
        await refused.Task.WaitAsync(TimeSpan.FromSeconds(15));
        (await outsider.EvaluateAsync<string>($$"""
            () => fetch("{{portal.BaseAddress}}api/v1/widget/config", { headers: { "X-Widget-Key": "{{key}}", "X-Visitor-Id": "0123456789abcdef0123456789abcdef" } })
                .then(r => String(r.status), () => "blocked")
            """)).ShouldBe("blocked");
        (await outsider.Widget().GetByText("Ask us").CountAsync()).ShouldBe(0, "the tenant's widget configuration must not load on a site it did not allow");
    }

    private async Task<IPage> NewVisitorAsync()
    {
        var context = await portal.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 860 } });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    private async Task<(string Email, Guid TenantId, HttpClient Api)> RegisterAsync(string tenantName)
    {
        var email = BrowserPortal.NewEmail("owner");
        var api = new HttpClient { BaseAddress = portal.BaseAddress };
        var registered = await api.PostAsJsonAsync("api/v1/auth/register", new { email, password = BrowserPortal.Password, tenantName });
        registered.EnsureSuccessStatusCode();
        var tenantId = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tenantId").GetGuid();
        var login = await api.PostAsJsonAsync("api/v1/auth/login", new { email, password = BrowserPortal.Password });
        login.EnsureSuccessStatusCode();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        return (email, tenantId, api);
    }

    private static async Task<string> CreateWidgetKeyAsync(HttpClient api, string origin)
    {
        var created = await api.PostAsJsonAsync("api/v1/api-keys", new { name = "Shop widget", kind = "publishable", allowedOrigins = new[] { origin } });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
    }

    private static async Task UploadAndWaitUntilIndexedAsync(HttpClient api, string name, string markdown)
    {
        var kb = await api.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "Support" });
        kb.EnsureSuccessStatusCode();
        var kbId = (await kb.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(markdown));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/markdown");
        form.Add(file, "files", name);
        var upload = await api.PostAsync($"/api/v1/knowledge-bases/{kbId}/documents", form);
        upload.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted);
        var id = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documents")[0].GetProperty("id").GetGuid();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/documents/{id}")).GetProperty("status").GetString();
            if (status == "Indexed") return;
            status.ShouldNotBe("Failed");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{name} is still {status} after 60 s");
            await Task.Delay(250);
        }
    }
}
