using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Portal.Web.Hosting;

/// <summary>
/// Header and URL limits enforced by the app, so an oversized request gets a ProblemDetails 431 or 414 instead of
/// Kestrel's empty answer. Kestrel's own limits sit far above these and only stop requests no client sends by mistake.
/// </summary>
internal static class RequestHeadLimits
{
    public const int MaxHeaderBytes = 32 * 1024;
    public const int MaxHeaderCount = 100;
    public const int MaxTargetLength = 8 * 1024;

    public static void RaiseKestrelLimits(KestrelServerOptions kestrel)
    {
        kestrel.Limits.MaxRequestHeadersTotalSize = 1024 * 1024;
        kestrel.Limits.MaxRequestHeaderCount = 1000;
        kestrel.Limits.MaxRequestLineSize = 256 * 1024;
    }

    public static IApplicationBuilder UsePortalRequestHeadLimits(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            var request = http.Request;
            var target = request.Path.Value?.Length + request.PathBase.Value?.Length + request.QueryString.Value?.Length ?? 0;
            var headerBytes = 0L;
            foreach (var (name, values) in request.Headers) headerBytes += name.Length + 4 + values.Sum(v => v?.Length ?? 0);
            var (status, detail) = target > MaxTargetLength
                ? (StatusCodes.Status414UriTooLong, $"The URL is longer than {MaxTargetLength} characters.")
                : request.Headers.Count > MaxHeaderCount || headerBytes > MaxHeaderBytes
                    ? (StatusCodes.Status431RequestHeaderFieldsTooLarge,
                        $"The request headers exceed {MaxHeaderCount} fields or {MaxHeaderBytes / 1024} KiB; a cookie may have grown too large.")
                    : (0, null);
            if (status == 0)
            {
                await next();
                return;
            }
            http.Response.StatusCode = status;
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = new ProblemDetails
                {
                    Status = status, Detail = detail,
                    Title = status == 414 ? "URL too long" : "Request headers too large",
                    Type = ProblemDetailsSetup.TypePrefix + (status == 414 ? "uri-too-long" : "headers-too-large"),
                },
            });
        });
}
