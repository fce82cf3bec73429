using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace Portal.Web.Auth;

internal static class PortalAuthentication
{
    public const string SelectorScheme = "Portal";

    /// <summary>
    /// Three ways in: the portal's cookie, Identity bearer tokens from <c>/api/v1/auth/login</c>,
    /// and secret API keys. A selector scheme picks by what the request carries.
    /// </summary>
    public static IServiceCollection AddPortalAuthentication(this IServiceCollection services, IHostEnvironment env)
    {
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = SelectorScheme;
                o.DefaultChallengeScheme = SelectorScheme;
                o.DefaultSignInScheme = IdentityConstants.ApplicationScheme;
            })
            .AddPolicyScheme(SelectorScheme, "Cookie, bearer token or API key", o => o.ForwardDefaultSelector = http =>
                ApiKeyAuthenticationHandler.IsPresented(http.Request) ? ApiKeyAuthenticationHandler.SchemeName
                : http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal) ? IdentityConstants.BearerScheme
                : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddBearerToken(IdentityConstants.BearerScheme)
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "portal.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // Development serves plain http on 127.0.0.1; everywhere else the cookie is Secure only.
            o.Cookie.SecurePolicy = env.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            // A page the person may not open sends them to the dashboard, which says what they can do.
            o.AccessDeniedPath = "/";
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.Events.OnRedirectToLogin = ctx => ApiAware(ctx, StatusCodes.Status401Unauthorized);
            // Signed in but not allowed: APIs and the operators' job dashboard answer 403 rather than a sign-in page.
            o.Events.OnRedirectToAccessDenied = ctx => ctx.Request.Path.StartsWithSegments("/jobs")
                ? SetStatus(ctx, StatusCodes.Status403Forbidden)
                : ApiAware(ctx, StatusCodes.Status403Forbidden);
        });
        services.AddAuthorizationBuilder().AddPortalPolicies();
        services.AddScoped<IAuthorizationHandler, TenantRoleHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, PolicyFailureProblems>();
        // Signing in needs the HTTP request: the web node's, not a worker's (people and tokens are Core's).
        new IdentityBuilder(typeof(Portal.Identity.PortalUser), services).AddSignInManager().AddDefaultTokenProviders();
        return services;
    }

    private static Task SetStatus(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int status)
    {
        ctx.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    // APIs answer 401/403; pages redirect to sign-in.
    private static Task ApiAware(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api")) ctx.Response.StatusCode = status;
        else ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }
}
