using System.Net;
using Microsoft.AspNetCore.Diagnostics;

namespace Portal.Web.Hosting;

/// <summary>
/// An empty error response becomes ProblemDetails for API clients and a small HTML page for a browser that asks for
/// a portal page (it accepts <c>text/html</c> and the path is not under <c>/api</c>).
/// </summary>
internal static class BrowserErrorPages
{
    public static IApplicationBuilder UsePortalStatusCodePages(this IApplicationBuilder app) =>
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            if (WantsHtml(http.Request) && http.Response.StatusCode == StatusCodes.Status404NotFound)
            {
                http.Response.ContentType = "text/html; charset=utf-8";
                await http.Response.WriteAsync(NotFoundHtml(http.Request.Path));
                return;
            }
            var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
            await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http });
        });

    private static bool WantsHtml(HttpRequest request) =>
        !request.Path.StartsWithSegments("/api") && HttpMethods.IsGet(request.Method)
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private static string NotFoundHtml(PathString path) => $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Page not found · Portal</title><link rel="icon" type="image/svg+xml" href="/favicon.svg">
        <style>body{font-family:system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f5f5f5;color:#333}
        main{max-width:32rem;padding:2rem;text-align:center}a{color:#594ae2}</style></head>
        <body><main id="not-found"><h1>Page not found</h1><p>There is no page at <code>{{WebUtility.HtmlEncode(path.Value)}}</code>.</p>
        <p lang="zh-CN">页面不存在。</p><p><a href="/">Back to the dashboard</a> · <a href="/knowledge-bases">Knowledge bases</a></p></main></body></html>
        """;
}
