namespace Portal.Web.Hosting;

/// <summary>The portal's own pages may not be framed and load only their own scripts.</summary>
internal static class SecurityHeaders
{
    private const string PortalPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    // Scalar's explorer page configures itself with an inline script; it shows only the public API document.
    private const string ApiExplorerPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    public static IApplicationBuilder UsePortalSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                var h = http.Response.Headers;
                h.XContentTypeOptions = "nosniff";
                h["Referrer-Policy"] = "strict-origin-when-cross-origin";
                // Endpoints that must be embeddable (the widget) set their own policy first.
                if (!h.ContainsKey("Content-Security-Policy"))
                {
                    h.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/scalar") ? ApiExplorerPolicy : PortalPolicy;
                    h.XFrameOptions = "DENY";
                }
                return Task.CompletedTask;
            });
            await next();
        });
}
