using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Portal.Web.Auth;

/// <summary>
/// API callers refused by a policy get ProblemDetails that say why (<c>urn:portal:problem:forbidden</c>), thrown to
/// the one exception handler; pages keep the cookie's redirects.
/// </summary>
internal sealed class PolicyFailureProblems : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Forbidden && context.Request.Path.StartsWithSegments("/api"))
        {
            var reason = result.AuthorizationFailure?.FailureReasons.FirstOrDefault()?.Message
                ?? "You do not have access to this.";
            throw reason.StartsWith("Sign in", StringComparison.Ordinal)
                ? new PortalException("unauthorized", reason, 401)
                : PortalException.Forbidden(reason);
        }
        return _default.HandleAsync(next, context, policy, result);
    }
}
