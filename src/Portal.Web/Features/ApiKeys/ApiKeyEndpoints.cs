using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.ApiKeys;
using Portal.Web.Auth;
using Portal.Web.Features.Account;

namespace Portal.Web.Features.ApiKeys;

public sealed record CreateApiKeyRequest(string? Name, string? Kind, string[]? AllowedOrigins, DateTimeOffset? ExpiresAt);

internal static class ApiKeyEndpoints
{
    public static IEndpointRouteBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/api-keys").WithTags("API keys").RequireAuthorization(PortalPolicies.TenantAdmin).AddEndpointFilter<TenantScope>();
        group.MapGet("", async (ApiKeyService keys, CancellationToken ct) => TypedResults.Ok(await keys.ListAsync(ct)));
        group.MapPost("", CreateAsync);
        group.MapDelete("/{keyId:guid}", async (Guid keyId, ApiKeyService keys, CancellationToken ct) =>
        {
            await keys.RevokeAsync(keyId, ct);
            return TypedResults.NoContent();
        });
        return app;
    }

    /// <summary>The secret is in this response only; Portal keeps nothing but its SHA-256.</summary>
    private static async Task<Created<CreatedApiKey>> CreateAsync(
        CreateApiKeyRequest request, ApiKeyService keys, ClaimsPrincipal principal, CancellationToken ct)
    {
        var userId = principal.UserId() ?? throw PortalException.Forbidden("API keys are created by people, not by other keys.");
        var created = await keys.CreateAsync(request.Name, request.Kind, request.AllowedOrigins, request.ExpiresAt, userId, ct);
        return TypedResults.Created($"/api/v1/api-keys/{created.Key.Id}", created);
    }
}
