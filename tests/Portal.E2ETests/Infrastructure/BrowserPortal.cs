using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Portal.E2ETests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserPortal>
{
    public const string Name = "browser";
}

/// <summary>
/// The real app on a fresh migrated database, served over HTTP on 127.0.0.1, and the system's
/// Chromium driven by Playwright. Playwright never downloads a browser here: it launches
/// /usr/bin/chromium (override with PORTAL_E2E_CHROMIUM).
/// </summary>
public sealed class BrowserPortal : IAsyncLifetime
{
    public const string Password = "correct horse battery";

    private readonly PortalDatabase _database = new();
    private KestrelPortalApp? _app;
    private IPlaywright? _playwright;

    public Uri BaseAddress { get; private set; } = null!;
    public PortalApp App => _app ?? throw new InvalidOperationException("The portal has not started.");
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _app = new KestrelPortalApp(_database);
        BaseAddress = _app.Start();
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PORTAL_E2E_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh browser profile: its own cookies, as if a different person on a different machine.</summary>
    public async Task<IPage> NewPersonAsync()
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = BaseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 860 } });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public static string NewEmail(string who) => $"{who}-{Guid.NewGuid():N}@example.test";

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private sealed class KestrelPortalApp : PortalApp
    {
        public KestrelPortalApp(PortalDatabase database) : base(database) =>
            UseKestrel(k => k.Listen(IPAddress.Loopback, 0));

        public Uri Start()
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            return new Uri(addresses.First());
        }
    }
}
