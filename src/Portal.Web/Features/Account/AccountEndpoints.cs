using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Portal.Identity;
using Portal.Tenancy;
using Portal.Web.Components.Account;
using Portal.Web.Hosting;

using Portal.Web.Auth;

namespace Portal.Web.Features.Account;

public sealed record RegisterRequest(string? Email, string? Password, string? TenantName);
public sealed record RegisterResponse(Guid UserId, Guid TenantId, string TenantName);
public sealed record LoginRequest(string? Email, string? Password);

internal static class AccountEndpoints
{
    /// <summary>
    /// Identity's own endpoints (refresh, manage/info, password reset) under /api/v1/auth, with
    /// register and login replaced: register also creates the person's tenant, and every failed
    /// sign-in answers the same whether or not the email is known.
    /// </summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Auth");
        auth.MapIdentityApi<PortalUser>().Add(b =>
        {
            if (b is RouteEndpointBuilder r && r.RoutePattern.RawText is { } raw
                && (raw.EndsWith("/register", StringComparison.Ordinal) || raw.EndsWith("/login", StringComparison.Ordinal)))
            {
                r.Order = 1; // ours (order 0) wins; Identity's stay unreachable and undocumented
                r.Metadata.Add(new ExcludeFromDescriptionAttribute());
            }
            // Identity's own endpoints: its account management needs a signed-in person, the rest are for anyone.
            if (b is RouteEndpointBuilder e && e.RoutePattern.RawText is { } path)
                e.Metadata.Add(path.Contains("/manage", StringComparison.Ordinal)
                    ? new Microsoft.AspNetCore.Authorization.AuthorizeAttribute(PortalPolicies.SignedIn)
                    : new Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute());
        });
        auth.MapPost("/register", RegisterAsync).RequireRateLimiting(RateLimits.SignInPolicy).AllowAnonymous();
        auth.MapPost("/login", LoginAsync).RequireRateLimiting(RateLimits.SignInPolicy).AllowAnonymous();
        return app;
    }

    private static async Task<Results<Created<RegisterResponse>, ValidationProblem>> RegisterAsync(
        RegisterRequest request, TenantProvisioning provisioning, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Email)) errors["email"] = ["'email' is required."];
        if (string.IsNullOrEmpty(request.Password)) errors["password"] = ["'password' is required."];
        if (Portal.Text.TextRules.CleanName(request.TenantName) is not { Length: <= 200 })
            errors["tenantName"] = ["'tenantName' is required and must be 1 to 200 visible characters."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, type: ProblemDetailsSetup.TypePrefix + "validation");

        var email = request.Email!.Trim();
        var user = new PortalUser { Id = Guid.CreateVersion7(), UserName = email, Email = email };
        var (created, tenant) = await provisioning.RegisterAsync(user, request.Password!, request.TenantName, ct);
        if (!created.Succeeded || tenant is null)
            return TypedResults.ValidationProblem(
                created.Errors.GroupBy(e => e.Code.Contains("Password", StringComparison.Ordinal) ? "password" : "email")
                    .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray()),
                type: ProblemDetailsSetup.TypePrefix + "validation");
        return TypedResults.Created("/api/v1/me", new RegisterResponse(user.Id, tenant.Id, tenant.Name));
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> LoginAsync(
        LoginRequest request, bool? useCookies, bool? useSessionCookies,
        SignInManager<PortalUser> signIn, UserManager<PortalUser> users, SignInTimingDecoy timingDecoy)
    {
        signIn.AuthenticationScheme = useCookies == true || useSessionCookies == true
            ? IdentityConstants.ApplicationScheme : IdentityConstants.BearerScheme;
        var email = request.Email?.Trim() ?? "";
        var user = email.Length is > 0 and <= 256 ? await users.FindByEmailAsync(email) : null;
        if (user is null)
        {
            // Spend the same work as a real check so timing does not reveal unknown emails.
            timingDecoy.Spend(request.Password ?? "");
            return SignInFailed();
        }
        var result = await signIn.PasswordSignInAsync(user, request.Password ?? "", useSessionCookies != true, lockoutOnFailure: true);
        // The bearer handler or the cookie handler has already written the success response.
        return result.Succeeded ? TypedResults.Empty : SignInFailed();
    }

    private static ProblemHttpResult SignInFailed() => TypedResults.Problem(
        statusCode: 401, title: "Sign-in failed", type: ProblemDetailsSetup.TypePrefix + "sign-in-failed",
        detail: "The email or password is wrong, or the account is locked after too many attempts.");

    internal static Guid? UserId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
}
