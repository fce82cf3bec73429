using Microsoft.EntityFrameworkCore;
using Portal.ApiKeys;
using Portal.Data;

namespace Portal.Web.Features.Widget;

/// <summary>
/// Cross-origin rules for the widget. Its API answers CORS only for an origin that the presented
/// key allows (set by <see cref="WidgetCaller.Filter"/>), never with credentials. A preflight cannot
/// carry the key, so it is answered for origins that some live publishable key allows; the real
/// request is then checked against its own key. The script itself may be loaded by any site.
/// </summary>
internal static class WidgetCors
{
    public const string ApiPrefix = "/api/v1/widget";
    private const string AllowedHeaders = "Content-Type, X-Widget-Key, X-Visitor-Id";
    private static readonly string[] AllowedHeaderNames = ["content-type", "x-widget-key", "x-visitor-id"];

    public static IApplicationBuilder UseWidgetCors(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            var path = http.Request.Path;
            if (path.Equals("/widget.js", StringComparison.Ordinal))
            {
                http.Response.OnStarting(() =>
                {
                    http.Response.Headers["Cross-Origin-Resource-Policy"] = "cross-origin";
                    // A policy of its own keeps the portal's frame-ancestors 'none' and X-Frame-Options off the script.
                    http.Response.Headers.ContentSecurityPolicy = "default-src 'none'";
                    return Task.CompletedTask;
                });
                await next();
                return;
            }
            if (!IsWidgetApi(path))
            {
                await next();
                return;
            }
            http.Response.OnStarting(() =>
            {
                var h = http.Response.Headers;
                h.Append("Vary", "Origin");
                h.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
                if (WidgetCaller.AllowedOrigin(http) is { } origin)
                {
                    h.AccessControlAllowOrigin = origin;
                    h.AccessControlExposeHeaders = "Retry-After";
                }
                return Task.CompletedTask;
            });
            if (HttpMethods.IsOptions(http.Request.Method) && http.Request.Headers.ContainsKey("Access-Control-Request-Method"))
            {
                await PreflightAsync(http);
                return;
            }
            await next();
        });

    public static bool IsWidgetApi(PathString path) =>
        path.StartsWithSegments(ApiPrefix, StringComparison.Ordinal) && !path.StartsWithSegments(ApiPrefix + "/settings", StringComparison.Ordinal);

    private static async Task PreflightAsync(HttpContext http)
    {
        var origin = Origins.Normalise(http.Request.Headers.Origin.ToString());
        var method = http.Request.Headers.AccessControlRequestMethod.ToString();
        var headers = http.Request.Headers.AccessControlRequestHeaders.ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var acceptable = origin is not null && method is "GET" or "POST"
            && headers.All(h => AllowedHeaderNames.Contains(h.ToLowerInvariant()))
            && await AnyKeyAllowsAsync(http, origin!);
        if (!acceptable)
        {
            await WidgetCaller.Problem(403, "origin-not-allowed", "Forbidden", "This site may not call the widget API.").ExecuteAsync(http);
            return;
        }
        var h = http.Response.Headers;
        h.AccessControlAllowOrigin = origin;
        h.AccessControlAllowMethods = "GET, POST";
        h.AccessControlAllowHeaders = AllowedHeaders;
        h.AccessControlMaxAge = "600";
        http.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task<bool> AnyKeyAllowsAsync(HttpContext http, string origin)
    {
        var factory = http.RequestServices.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync(http.RequestAborted);
        return await db.Database.SqlQuery<bool>($"SELECT widget_origin_allowed({origin}) AS \"Value\"").SingleAsync(http.RequestAborted);
    }
}
