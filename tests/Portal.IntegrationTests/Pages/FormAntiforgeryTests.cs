using System.Net;
using System.Text.RegularExpressions;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Pages;

/// <summary>Every form the portal renders carries an antiforgery token, and a post without one is refused.</summary>
[Collection(DatabaseCollection.Name)]
public sealed partial class FormAntiforgeryTests(SharedApp app)
{
    private const string TokenField = "__RequestVerificationToken";

    [Theory]
    [InlineData("/account/login")]
    [InlineData("/account/register")]
    public async Task Every_form_on_a_sign_in_page_carries_an_antiforgery_token(string path)
    {
        var html = await app.CreateClient().GetStringAsync(path);

        FormsWithoutToken(html, out var formCount).ShouldBeEmpty();
        formCount.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Every_form_on_a_signed_in_page_carries_an_antiforgery_token()
    {
        var owner = await app.RegisterAsync();

        foreach (var path in new[] { "/", "/members", "/api-keys", "/invitations" })
        {
            var html = await owner.Client.GetStringAsync(path);
            FormsWithoutToken(html, out var formCount).ShouldBeEmpty(path);
            formCount.ShouldBeGreaterThan(0, path);
        }
    }

    [Fact]
    public async Task Signing_in_with_the_pages_antiforgery_token_is_accepted()
    {
        var client = app.CreateClient();
        var token = TokenValue().Match(await client.GetStringAsync("/account/login")).Groups[1].Value;

        var response = await client.PostAsync("/account/login", SignInForm(token));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Signing_in_without_an_antiforgery_token_is_rejected()
    {
        var client = app.CreateClient();
        await client.GetStringAsync("/account/login"); // the antiforgery cookie alone is not enough

        var response = await client.PostAsync("/account/login", SignInForm(token: null));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/account/logout", "")]
    [InlineData("/account/switch-tenant", "tenantId={tenant}&returnUrl=/")]
    [InlineData("/members", "_handler=invite-member&Input.Email=someone%40example.test&Input.Role=Viewer")]
    [InlineData("/api-keys", "_handler=create-api-key&Input.Name=sneaky&Input.Kind=secret")]
    public async Task A_signed_in_form_post_without_an_antiforgery_token_is_rejected(string path, string form)
    {
        var owner = await app.RegisterAsync();

        var response = await owner.Client.PostAsync(path, new StringContent(
            form.Replace("{tenant}", owner.TenantId.ToString()), System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private static FormUrlEncodedContent SignInForm(string? token)
    {
        var fields = new Dictionary<string, string>
        {
            ["_handler"] = "login", ["Input.Email"] = "nobody@example.test", ["Input.Password"] = "not a real password",
        };
        if (token is not null) fields[TokenField] = token;
        return new FormUrlEncodedContent(fields);
    }

    private static List<string> FormsWithoutToken(string html, out int formCount)
    {
        var forms = Form().Matches(html).Select(m => m.Value).ToList();
        formCount = forms.Count;
        return forms.Where(f => !f.Contains($"name=\"{TokenField}\"", StringComparison.Ordinal)).ToList();
    }

    [GeneratedRegex(@"<form\b.*?</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex Form();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenValue();
}
