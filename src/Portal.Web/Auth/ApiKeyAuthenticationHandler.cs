using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Portal.ApiKeys;

namespace Portal.Web.Auth;

/// <summary>
/// Authenticates programs by secret key (<c>Authorization: Bearer kb_sk_…</c> or <c>X-Api-Key</c>).
/// Unknown, revoked and expired keys, and publishable keys presented here, fail the same way,
/// so the 401 says nothing about which it was.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyResolver resolver)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Presented(Request);
        if (presented is null) return AuthenticateResult.NoResult();
        var key = await resolver.ResolveAsync(presented, Context.RequestAborted);
        if (key is not { Kind: ApiKeyKind.Secret }) return AuthenticateResult.Fail("The API key is not valid.");
        var identity = new ClaimsIdentity(
        [
            new Claim(PortalClaims.ApiKeyId, key.KeyId.ToString()),
            new Claim(PortalClaims.TenantId, key.TenantId.ToString()),
            new Claim(PortalClaims.KeyKind, "secret"),
            new Claim(PortalClaims.KeyCreator, key.CreatedBy?.ToString() ?? ""),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }

    public static bool IsPresented(HttpRequest request) => Presented(request) is not null;

    private static string? Presented(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header) && header.Count == 1) return header[0];
        var auth = request.Headers.Authorization.ToString();
        return auth.StartsWith("Bearer kb_", StringComparison.Ordinal) ? auth["Bearer ".Length..].Trim() : null;
    }
}
