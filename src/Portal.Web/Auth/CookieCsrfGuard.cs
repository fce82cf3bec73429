using Microsoft.AspNetCore.Antiforgery;

namespace Portal.Web.Auth;

/// <summary>
/// Cookie-authenticated API calls that change something must carry the antiforgery token in the
/// <c>RequestVerificationToken</c> header (pages render it; our scripts send it). Bearer tokens and
/// API keys are not sent by browsers on their own, so they need no token.
/// </summary>
internal sealed class CookieCsrfGuard(IAntiforgery antiforgery) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method)
            && http.Request.Headers.Authorization.Count == 0 && !ApiKeyAuthenticationHandler.IsPresented(http.Request)
            && !await antiforgery.IsRequestValidAsync(http))
        {
            throw PortalException.Forbidden("Cookie-authenticated requests that change data need the RequestVerificationToken header.");
        }
        return await next(context);
    }
}
