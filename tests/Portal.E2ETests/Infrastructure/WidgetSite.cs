using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.E2ETests.Infrastructure;

/// <summary>A tenant's website: a second Kestrel server on its own 127.0.0.1 port whose page embeds the widget.</summary>
internal sealed class WidgetSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WidgetSite(WebApplication app, Uri address) => (_app, Address) = (app, address);

    public Uri Address { get; }

    /// <summary>The publishable key the page embeds; set once the site's origin is known and allowed.</summary>
    public string Key { get; set; } = "";
    public string Origin => Address.GetLeftPart(UriPartial.Authority);

    public static async Task<WidgetSite> StartAsync(Uri portal)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        WidgetSite? site = null;
        string Html() => $"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>
            <body><h1>Acme shop</h1>
            <script src="{portal.GetLeftPart(UriPartial.Authority)}/widget.js" data-key="{site!.Key}" data-locale="en" async></script>
            </body></html>
            """;
        app.MapGet("/", () => Results.Content(Html(), "text/html; charset=utf-8"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        site = new WidgetSite(app, new Uri(address));
        return site;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
