using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Portal.TestSupport;

/// <summary>The real web app on a real, migrated database, with settings a test may override.</summary>
public class PortalApp(PortalDatabase database, IDictionary<string, string?>? overrides = null, string environment = "Development")
    : WebApplicationFactory<Program>
{
    public PortalDatabase Database => database;
    public string BlobRoot => Path.Combine(_keysPath, "blobs");
    private readonly string _keysPath = Path.Combine(Path.GetTempPath(), "portal-test-keys-" + Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Portal"] = database.AppConnectionString,
            ["ConnectionStrings:PortalMigrations"] = database.OwnerConnectionString,
            ["Web:MigrateOnStartup"] = "false",
            ["Web:DataProtectionKeysPath"] = _keysPath,
            ["RateLimiting:PermitsPerMinutePerPrincipal"] = "1000000",
            ["RateLimiting:PermitsPerMinutePerIp"] = "1000000",
            ["RateLimiting:SignInPermitsPerMinutePerIp"] = "1000000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Blobs:Root"] = Path.Combine(_keysPath, "blobs"),
            ["Ingestion:Jobs:DispatchInterval"] = "00:00:01",
            ["Ingestion:Jobs:RetryBackoff"] = "00:00:01",
            ["Ingestion:Jobs:LeaseTimeout"] = "00:00:03",
            ["Jobs:InvisibilityTimeout"] = "00:00:10",
            // The development signing secret appsettings.json carries, so tests sign webhook events as a local Stripe CLI would.
            ["Billing:Stripe:WebhookSecret"] = "whsec_portal_development_only_not_for_production",
        };
        foreach (var (k, v) in overrides ?? new Dictionary<string, string?>()) settings[k] = v;
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings));
    }

    /// <summary>Registers a person with their own tenant and returns a client signed in with a bearer token.</summary>
    public async Task<Account> RegisterAsync(string? tenantName = null, string? email = null)
    {
        email ??= $"user-{Guid.NewGuid():N}@example.test";
        const string password = "correct horse battery";
        var anonymous = CreateClient();
        var registered = await anonymous.PostAsJsonAsync("/api/v1/auth/register",
            new { email, password, tenantName = tenantName ?? "Tenant " + Guid.NewGuid().ToString("N")[..6] });
        registered.EnsureSuccessStatusCode();
        var body = (await registered.Content.ReadFromJsonAsync<RegisterBody>())!;
        var client = await SignInAsync(email, password);
        return new Account(body.UserId, body.TenantId, email, password, client);
    }

    public async Task<HttpClient> SignInAsync(string email, string password)
    {
        var login = await CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<TokenBody>())!.AccessToken;
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<string> CreateSecretKeyAsync(Account owner, string name = "test")
    {
        var response = await owner.Client.PostAsJsonAsync("/api/v1/api-keys", new { name, kind = "secret" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CreatedKeyBody>())!.Secret;
    }

    public HttpClient ClientWithKey(string secret)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (Directory.Exists(_keysPath)) Directory.Delete(_keysPath, recursive: true);
    }

    private sealed record RegisterBody(Guid UserId, Guid TenantId);
    private sealed record TokenBody(string AccessToken);
    private sealed record CreatedKeyBody(string Secret);
}

public sealed record Account(Guid UserId, Guid TenantId, string Email, string Password, HttpClient Client);
