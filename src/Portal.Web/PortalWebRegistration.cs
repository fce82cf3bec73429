using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using MudBlazor.Services;
using Portal.Web.Components.Layout;
using Microsoft.Extensions.Options;
using Portal.Data.Migrations;
using Portal.Identity;
using Portal.Web.Auth;
using Portal.Web.Components;
using Portal.Web.Components.Account;
using Portal.Web.Components.Tenancy;
using Portal.Web.Features.Account;
using Portal.Web.Features.Widget;
using Portal.Web.Hosting;
using Portal.Web.Localization;

namespace Portal.Web;

internal sealed class PortalWebOptions
{
    /// <summary>Apply pending migrations when the app starts (also available as <c>./portal migrate</c>).</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>Largest request body for ordinary API calls; upload endpoints set their own limit.</summary>
    [System.ComponentModel.DataAnnotations.Range(1024, 1L << 34)]
    public long MaxRequestBodyBytes { get; set; } = 1 << 20;

    /// <summary>Where Data Protection keys (cookie and token encryption) are kept.</summary>
    public string DataProtectionKeysPath { get; set; } = ".data/keys";
}

internal static class PortalWebRegistration
{
    public static WebApplicationBuilder AddPortalWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PortalWebOptions>().BindConfiguration("Web").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<PortalWebOptions>>((k, web) =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = web.Value.MaxRequestBodyBytes;
            RequestHeadLimits.RaiseKestrelLimits(k);
        });
        services.AddDataProtection().SetApplicationName("Portal");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<PortalWebOptions>, ILoggerFactory>((o, web, logs) =>
            o.XmlRepository = new FileSystemXmlRepository(
                new DirectoryInfo(Path.GetFullPath(web.Value.DataProtectionKeysPath)), logs));

        services.AddPortalProblemDetails();
        services.AddPortalAuthentication(builder.Environment);
        services.AddPortalRateLimits();
        services.AddSingleton<IEmailSender<PortalUser>, LoggedEmailSender>();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "portal.csrf";
            o.Cookie.SecurePolicy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        });
        services.AddHsts(o => { o.MaxAge = TimeSpan.FromDays(365); o.IncludeSubDomains = true; });
        services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Portal API";
            doc.Info.Description = "Multi-tenant knowledge-base portal. Authenticate with a bearer token from /api/v1/auth/login "
                + "or a secret API key (Authorization: Bearer kb_sk_…). Signed-in people name their tenant in X-Tenant-Id.";
            return Task.CompletedTask;
        }).AddPortalSecuritySchemes());
        // Static web assets (the framework's blazor.web.js, MudBlazor's files) resolve through the build's manifest in
        // every environment, so the app serves them when it runs from its build output as well as when published.
        builder.WebHost.UseStaticWebAssets();
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddPortalLocalization();
        services.AddCascadingAuthenticationState();
        services.AddHttpContextAccessor();
        services.AddScoped<TenantSession>();
        services.AddScoped<AuthenticationStateProvider, PortalAuthenticationStateProvider>();
        services.AddOptions<SessionRevalidationOptions>().BindConfiguration("Web:Circuit").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<PersonPreferences>();
        services.AddScoped<TenantPageScope>();
        services.AddScoped<SignInTimingDecoy>();
        return builder;
    }

    public static async Task MigrateOnStartupAsync(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<PortalWebOptions>>().Value.MigrateOnStartup) return;
        var owner = app.Configuration.GetConnectionString("PortalMigrations")
            ?? throw new InvalidOperationException("ConnectionStrings:PortalMigrations is not configured.");
        await app.Services.GetRequiredService<MigrationRunner>().ApplyAsync(owner, CancellationToken.None);
    }

    public static WebApplication UsePortalPipeline(this WebApplication app)
    {
        app.UsePortalRequestHeadLimits();
        app.UseExceptionHandler();
        app.UsePortalStatusCodePages();
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.UsePortalSecurityHeaders();
        app.UseWidgetCors();
        app.UseRequestLocalization();
        app.UseRouting();
        app.UsePortalRequestBodyLimit();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseMiddleware<CookieApiAntiforgery>();
        app.UseMiddleware<InputTextGuard>();
        app.UseAntiforgery();
        app.MapOpenApi().AllowAnonymous();
        app.MapApiExplorer();
        return app;
    }

    public static WebApplication MapPortalUi(this WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous();
        app.MapAccountFormEndpoints();
        app.MapCultureEndpoint();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode()
            // The circuit's own endpoints (SignalR hub, negotiation, redirects) admit anyone: each page names its policy, and the
            // circuit carries the person the page was authorised for.
            .Add(b =>
            {
                if (b is RouteEndpointBuilder { RoutePattern.RawText: { } raw } r && (raw.StartsWith("/_blazor", StringComparison.Ordinal) || raw.StartsWith("/_framework", StringComparison.Ordinal)))
                    r.Metadata.Add(new Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute());
            });
        return app;
    }
}
