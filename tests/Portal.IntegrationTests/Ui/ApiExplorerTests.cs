using System.Net;
using System.Text.Json;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Ui;

[Collection(DatabaseCollection.Name)]
public sealed class ApiExplorerTests(SharedApp app)
{
    [Fact]
    public async Task The_openapi_document_declares_cookie_bearer_and_api_key_schemes_and_protected_operations_name_them()
    {
        var doc = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement;

        var schemes = doc.GetProperty("components").GetProperty("securitySchemes");
        schemes.GetProperty("cookie").GetProperty("in").GetString().ShouldBe("cookie");
        schemes.GetProperty("bearer").GetProperty("scheme").GetString().ShouldBe("bearer");
        schemes.GetProperty("apiKey").GetProperty("name").GetString().ShouldBe("X-Api-Key");
        var members = doc.GetProperty("paths").GetProperty("/api/v1/members").GetProperty("get");
        members.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name))
            .ShouldBe(["bearer", "apiKey", "cookie"], ignoreOrder: true);
        doc.GetProperty("paths").GetProperty("/healthz").GetProperty("get").TryGetProperty("security", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task The_api_explorer_is_served_from_the_portal_itself()
    {
        var client = app.CreateClient();

        var page = await client.GetAsync("/scalar/v1");
        var script = await client.GetAsync("/scalar/scalar.js");

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).ShouldContain("scalar.js");
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
