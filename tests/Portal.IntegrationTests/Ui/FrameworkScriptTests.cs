using System.Net;
using System.Text.RegularExpressions;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Ui;

/// <summary>
/// The app runs from its build output (<c>dotnet …/Portal.Web.dll</c>), where the framework's script lives in the
/// package cache, not in wwwroot: it must still be served, under its plain and its fingerprinted name, in
/// Production as in Development.
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed partial class FrameworkScriptTests(SharedApp shared)
{
    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task The_build_output_serves_blazor_web_js_on_the_plain_and_the_fingerprinted_path(string environment)
    {
        var data = Path.Combine(Path.GetTempPath(), "portal-script-" + Guid.NewGuid().ToString("N"));
        await using var process = new PortalProcess(shared.Database, data, new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = environment });
        await process.StartAsync();
        using var client = process.CreateClient();

        var plain = await client.GetAsync("/_framework/blazor.web.js");
        var endpoints = await client.GetStringAsync("/_framework/blazor.web.js");
        var fingerprinted = Fingerprinted().Match(await File.ReadAllTextAsync(ManifestPath())).Value;
        var versioned = await client.GetAsync("/" + fingerprinted);

        plain.StatusCode.ShouldBe(HttpStatusCode.OK, process.Log);
        endpoints.ShouldContain("Blazor");
        fingerprinted.ShouldNotBeNullOrEmpty();
        versioned.StatusCode.ShouldBe(HttpStatusCode.OK, process.Log);
        (await versioned.Content.ReadAsStringAsync()).ShouldBe(endpoints);
    }

    private static string ManifestPath()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        return Path.Combine(PortalDatabase.RepoRoot(), $"src/Portal.Web/bin/{configuration}/net10.0/Portal.Web.staticwebassets.endpoints.json");
    }

    [GeneratedRegex(@"_framework/blazor\.web\.[a-z0-9]{6,}\.js(?="")")]
    private static partial Regex Fingerprinted();
}
