using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Portal.ApiKeys;
using Portal.Tenancy;
using Portal.Web.Hosting;

namespace Portal.Web.Features.Widget;

/// <summary>Who calls the widget API: a publishable key, from one of its allowed origins, for an anonymous visitor.</summary>
internal sealed partial record WidgetCaller(ResolvedApiKey Key, string Origin, string VisitorId)
{
    public const string KeyHeader = "X-Widget-Key";
    public const string VisitorHeader = "X-Visitor-Id";
    private const string ItemKey = "portal.widget.caller";

    public static WidgetCaller From(HttpContext http) =>
        http.Items[ItemKey] as WidgetCaller ?? throw new InvalidOperationException("The widget filter did not run.");

    /// <summary>The verified origin, for the CORS headers; null until the filter has accepted the request.</summary>
    public static string? AllowedOrigin(HttpContext http) => (http.Items[ItemKey] as WidgetCaller)?.Origin;

    /// <summary>
    /// Accepts only publishable keys, only from their allowed origins, within the per-key and per-IP
    /// limits; then acts for the key's tenant. Secret keys fail here exactly like unknown keys.
    /// </summary>
    internal sealed partial class Filter(ApiKeyResolver resolver, WidgetRateLimiter limiter, TenantContext tenant) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            var http = context.HttpContext;
            var presented = http.Request.Headers[KeyHeader].ToString();
            var key = presented.StartsWith("kb_pk_", StringComparison.Ordinal) ? await resolver.ResolveAsync(presented, http.RequestAborted) : null;
            if (key is not { Kind: ApiKeyKind.Publishable })
                return Problem(401, "unauthorized", "Unauthorized", $"Present a valid publishable key in {KeyHeader}.");
            var origin = Origins.Normalise(http.Request.Headers.Origin.ToString());
            if (origin is null || !key.AllowedOrigins.Contains(origin, StringComparer.Ordinal))
                return Problem(403, "origin-not-allowed", "Forbidden", "This site is not in the widget key's allowed origins.");
            var visitor = http.Request.Headers[VisitorHeader].ToString();
            if (!VisitorId().IsMatch(visitor))
                return Problem(400, "validation", "The request is invalid", $"{VisitorHeader} must be 32 hexadecimal digits.");
            http.Items[ItemKey] = new WidgetCaller(key, origin, visitor.ToLowerInvariant());
            if (limiter.TryAcquire(key.KeyId, http.Connection.RemoteIpAddress?.ToString() ?? "unknown") is { } wait)
                return TooMany(http, wait, $"The widget's rate limit was exceeded. Retry after {wait} seconds.");
            tenant.Set(key.TenantId, TenantRole.Viewer, "widget:" + key.KeyId);
            return await next(context);
        }

        [GeneratedRegex("^[0-9a-fA-F]{32}$")]
        private static partial Regex VisitorId();
    }

    public static IResult Problem(int status, string code, string title, string detail) =>
        TypedResults.Problem(new ProblemDetails { Status = status, Type = ProblemDetailsSetup.TypePrefix + code, Title = title, Detail = detail });

    public static IResult TooMany(HttpContext http, int seconds, string detail)
    {
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problem(429, "rate-limited", "Too many requests", detail);
    }
}
