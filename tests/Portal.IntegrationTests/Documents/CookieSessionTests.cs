using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Documents;

/// <summary>The portal pages call the API with the sign-in cookie; changes then need the page's antiforgery token.</summary>
[Collection(DatabaseCollection.Name)]
public sealed partial class CookieSessionTests(SharedApp app)
{
    [Fact]
    public async Task A_cookie_session_changes_data_only_with_the_antiforgery_header_the_page_rendered()
    {
        var owner = await app.RegisterAsync();
        var browser = app.CreateClient();
        (await browser.PostAsJsonAsync("/api/v1/auth/login?useCookies=true", new { email = owner.Email, password = owner.Password }))
            .EnsureSuccessStatusCode();

        (await browser.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "without token" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var page = await browser.GetStringAsync("/knowledge-bases");
        var token = TokenField().Match(page).Groups[1].Value;
        token.ShouldNotBeNullOrEmpty(page);
        var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/knowledge-bases") { Content = JsonContent.Create(new { name = "with token" }) };
        create.Headers.Add("RequestVerificationToken", WebUtility.HtmlDecode(token));
        var created = await browser.SendAsync(create);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var kb = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();

        var upload = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/knowledge-bases/{kb}/documents")
        {
            Content = DocumentApi.Files(("page.txt", Encoding.UTF8.GetBytes("Uploaded from the portal page."))),
        };
        upload.Headers.Add("RequestVerificationToken", WebUtility.HtmlDecode(token));
        (await browser.SendAsync(upload)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        // The documents grid loads once the page is interactive; the list endpoint shows the same documents.
        (await browser.GetStringAsync($"/api/v1/knowledge-bases/{kb}/documents")).ShouldContain("page.txt");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"__RequestVerificationToken\"")]
    private static partial Regex TokenField();
}
