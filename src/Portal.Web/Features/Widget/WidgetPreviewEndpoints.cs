using System.Net;

using Portal.Web.Auth;

namespace Portal.Web.Features.Widget;

/// <summary>
/// A bare page that runs the real widget.js against the tenant's settings, without an iframe. It is
/// served with a policy of its own: the portal's pages use Blazor's markup, which may not carry script tags.
/// </summary>
internal static class WidgetPreviewEndpoints
{
    private const string Policy = "default-src 'none'; script-src 'self'; connect-src 'self'; img-src 'self'; " +
        "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static IEndpointRouteBuilder MapWidgetPreviewEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/widget/preview", (string? key, HttpContext http) =>
        {
            http.Response.Headers.ContentSecurityPolicy = Policy;
            var valid = key is not null && key.StartsWith("kb_pk_", StringComparison.Ordinal) && key.Length <= 128 && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
            var body = valid
                ? $"""<script src="/widget.js" data-key="{WebUtility.HtmlEncode(key)}" data-open async></script>"""
                : """<p id="no-key">Open this page from the Widget settings page with a publishable key whose allowed origins include the portal.</p>""";
            return TypedResults.Content($"""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Widget preview · Portal</title>
                <meta name="viewport" content="width=device-width, initial-scale=1"></head>
                <body style="font-family: system-ui, sans-serif; margin: 2rem; background: #f6f7f9">
                <h1 style="font-size: 1.25rem">Widget preview</h1>
                <p>This is how the widget looks on your site, with your current settings and knowledge base.</p>
                {body}
                </body></html>
                """, "text/html; charset=utf-8");
        }).RequireAuthorization(PortalPolicies.TenantAdmin).ExcludeFromDescription();
        return app;
    }
}
