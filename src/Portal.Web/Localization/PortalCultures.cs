using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Portal.Web.Components.Account;

namespace Portal.Web.Localization;

/// <summary>
/// English and Simplified Chinese. The culture is the person's choice from the menu (the <c>.AspNetCore.Culture</c>
/// cookie), else the browser's <c>Accept-Language</c>, else English; dates and numbers follow it. A circuit keeps the
/// culture of the request that started it, so choosing one reloads the page.
/// </summary>
internal static class PortalCultures
{
    public static readonly string[] Supported = ["en", "zh-CN"];

    public static IServiceCollection AddPortalLocalization(this IServiceCollection services)
    {
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        // Chinese text leaves as characters, not as an entity per character.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(o =>
            o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture("en").AddSupportedCultures(Supported).AddSupportedUICultures(Supported);
            o.FallBackToParentCultures = true;
            o.FallBackToParentUICultures = true;
            // Cookie first, then Accept-Language; no query string, so a link cannot switch someone's language.
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        return services;
    }

    public static IEndpointRouteBuilder MapCultureEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet("/culture", (string? name, string? returnUrl, HttpContext http) =>
        {
            var culture = Supported.FirstOrDefault(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase)) ?? "en";
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(CultureInfo.GetCultureInfo(culture))),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true, Path = "/" });
            return TypedResults.LocalRedirect(ReturnUrls.LocalOrHome(returnUrl));
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
