using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;

namespace Portal.Web.Auth;

/// <summary>
/// Every API call that changes something (any method but GET, HEAD, OPTIONS and TRACE under
/// <c>/api/v1</c>) and is authenticated by the portal's cookie must carry the antiforgery token in the
/// <c>RequestVerificationToken</c> header: pages render it and the portal's scripts send it. Bearer
/// tokens and API keys are never attached by a browser on its own, so those requests need no token;
/// anonymous endpoints (sign-in, the widget) grant nothing through the cookie and are left alone.
/// One middleware rather than a filter per group, so a new endpoint cannot forget it.
/// </summary>
internal sealed class CookieApiAntiforgery(RequestDelegate next)
{
    public const string HeaderName = "RequestVerificationToken";

    public async Task InvokeAsync(HttpContext http, IAntiforgery antiforgery)
    {
        if (NeedsToken(http) && !await antiforgery.IsRequestValidAsync(http))
        {
            throw new PortalException("antiforgery",
                $"Cookie-authenticated requests that change data need the {HeaderName} header the portal page rendered.", 403);
        }
        await next(http);
    }

    private static bool NeedsToken(HttpContext http)
    {
        var request = http.Request;
        if (!request.Path.StartsWithSegments("/api/v1")) return false;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)
            || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method)) return false;
        // The selector scheme reads the cookie only when neither of these is present.
        if (request.Headers.Authorization.Count > 0 || ApiKeyAuthenticationHandler.IsPresented(request)) return false;
        if (http.User.Identity?.IsAuthenticated != true) return false;
        return http.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is null;
    }
}
