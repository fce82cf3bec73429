using System.Net;
using System.Text.RegularExpressions;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Pages;

internal static partial class PageForms
{
    /// <summary>Loads a page, then posts one of its forms with the page's antiforgery token; follows the redirect by hand.</summary>
    public static async Task<string> PostAsync(SharedApp app, HttpClient signedIn, string path, string handler, Dictionary<string, string> fields,
        bool multipart = false, string? getPath = null)
    {
        // Redirects are followed by hand: HttpClient drops the bearer token when it follows one.
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = signedIn.DefaultRequestHeaders.Authorization;
        var page = await client.GetStringAsync(getPath ?? path);
        var token = Token().Match(page).Groups[1].Value;
        fields["_handler"] = handler;
        fields["__RequestVerificationToken"] = token;
        HttpContent content = new FormUrlEncodedContent(fields);
        if (multipart)
        {
            var form = new MultipartFormDataContent();
            foreach (var (k, v) in fields) form.Add(new StringContent(v), k);
            content = form;
        }
        var response = await client.PostAsync(path, content);
        if (response.StatusCode == HttpStatusCode.Redirect) response = await client.GetAsync(response.Headers.Location);
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, html.Length > 2000 ? html[..2000] : html);
        return WebUtility.HtmlDecode(html);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
