using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Portal.Identity;
using Portal.Tenancy;
using Portal.Web.Auth;
using Portal.Web.Hosting;

namespace Portal.Web.Components.Account;

/// <summary>
/// The portal's form posts that are not pages. Each requires a valid antiforgery token, so a
/// cross-site form cannot sign a person out or switch their tenant.
/// </summary>
internal static class AccountFormEndpoints
{
    public static IEndpointRouteBuilder MapAccountFormEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").ExcludeFromDescription()
            .WithMetadata(new RequireAntiforgeryTokenAttribute()).AddEndpointFilter(RejectInvalidAntiforgeryToken);
        account.MapPost("/logout", LogoutAsync).AllowAnonymous();
        account.MapPost("/switch-tenant", SwitchTenantAsync).RequireAuthorization(PortalPolicies.SignedIn);
        return app;
    }

    // The middleware only records the outcome; an endpoint that binds no form must act on it itself.
    private static async ValueTask<object?> RejectInvalidAntiforgeryToken(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false }
            ? TypedResults.Problem(statusCode: 400, title: "The request is invalid", type: ProblemDetailsSetup.TypePrefix + "antiforgery",
                detail: "The form was not submitted from a Portal page. Reload the page and try again.")
            : await next(context);

    private static async Task<RedirectHttpResult> LogoutAsync(SignInManager<PortalUser> signIn, HttpContext http)
    {
        await signIn.SignOutAsync();
        http.Response.Cookies.Delete(CurrentTenantCookie.Name);
        return TypedResults.LocalRedirect("/account/login");
    }

    private static async Task<Results<RedirectHttpResult, ForbidHttpResult>> SwitchTenantAsync(
        [FromForm] Guid tenantId, [FromForm] string? returnUrl, ClaimsPrincipal user, TenantDirectory directory,
        HttpContext http, IHostEnvironment env)
    {
        if (!Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)
            || await directory.MembershipAsync(userId, tenantId, http.RequestAborted) is null)
            return TypedResults.Forbid();
        TenantCookie.Write(http, tenantId, env);
        return TypedResults.LocalRedirect(ReturnUrls.LocalOrHome(returnUrl));
    }
}

internal static class TenantCookie
{
    /// <summary>Remembers the tenant a person works in; the server checks membership on every use.</summary>
    public static void Write(HttpContext http, Guid tenantId, IHostEnvironment env) =>
        http.Response.Cookies.Append(CurrentTenantCookie.Name, tenantId.ToString(), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            // Development serves plain http on 127.0.0.1.
            Secure = !env.IsDevelopment(),
            IsEssential = true,
            Path = "/",
            MaxAge = TimeSpan.FromDays(365),
        });
}

internal static class ReturnUrls
{
    /// <summary>A path on this site, never another origin (<c>//evil</c> and <c>/\evil</c> are other origins to browsers).</summary>
    public static string LocalOrHome(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
            && !url.Any(char.IsControl)
            ? url
            : "/";
}
