using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Portal.Identity;
using Portal.Tenancy;
using Portal.Web.Auth;
using Portal.Web.Features.Account;

namespace Portal.Web.Features.Me;

public sealed record MeUser(Guid Id, string? Email, string? DisplayName);
public sealed record MeTenant(Guid Id, string Name, string Role, string Status);
public sealed record MeApiKey(Guid Id, string Kind);
public sealed record MeResponse(MeUser? User, MeApiKey? ApiKey, IReadOnlyList<MeTenant> Tenants);
public sealed record InvitationItem(Guid Id, Guid TenantId, string TenantName, string Role, DateTimeOffset ExpiresAt);
public sealed record AcceptedInvitation(Guid TenantId);

internal static class MeEndpoints
{
    public static IEndpointRouteBuilder MapMeEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Me").RequireAuthorization(PortalPolicies.SignedIn);
        group.MapGet("/me", GetAsync);
        group.MapGet("/invitations", ListInvitationsAsync);
        group.MapPost("/invitations/{invitationId:guid}/accept", AcceptAsync);
        return app;
    }

    private static async Task<Results<Ok<MeResponse>, UnauthorizedHttpResult>> GetAsync(
        ClaimsPrincipal principal, TenantDirectory directory, UserManager<PortalUser> users, CancellationToken ct)
    {
        if (principal.FindFirstValue(PortalClaims.ApiKeyId) is { } keyId)
        {
            var tenantId = Guid.Parse(principal.FindFirstValue(PortalClaims.TenantId)!);
            return TypedResults.Ok(new MeResponse(null, new MeApiKey(Guid.Parse(keyId), "secret"),
                [new MeTenant(tenantId, "", nameof(TenantRole.Editor), "active")]));
        }
        if (principal.UserId() is not { } userId || await users.FindByIdAsync(userId.ToString()) is not { } user)
            return TypedResults.Unauthorized();
        var tenants = await directory.TenantsOfAsync(userId, ct);
        return TypedResults.Ok(new MeResponse(new MeUser(user.Id, user.Email, user.DisplayName), null,
            tenants.Select(t => new MeTenant(t.TenantId, t.Name, t.Role.ToString(), t.Status.ToString().ToLowerInvariant())).ToList()));
    }

    private static async Task<Results<Ok<IReadOnlyList<InvitationItem>>, ForbidHttpResult>> ListInvitationsAsync(
        ClaimsPrincipal principal, TenantDirectory directory, UserManager<PortalUser> users, CancellationToken ct)
    {
        if (await PersonAsync(principal, users) is not { Email: { } email }) return TypedResults.Forbid();
        var pending = await directory.InvitationsForAsync(email, ct);
        return TypedResults.Ok<IReadOnlyList<InvitationItem>>(pending
            .Select(i => new InvitationItem(i.InvitationId, i.TenantId, i.TenantName, i.Role, i.ExpiresAt)).ToList());
    }

    private static async Task<Results<Ok<AcceptedInvitation>, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>, ForbidHttpResult>> AcceptAsync(
        Guid invitationId, ClaimsPrincipal principal, TenantDirectory directory, UserManager<PortalUser> users, CancellationToken ct)
    {
        if (await PersonAsync(principal, users) is not { Email: { } email } user) return TypedResults.Forbid();
        var tenantId = await directory.AcceptAsync(invitationId, user.Id, email, ct);
        return tenantId is { } joined
            ? TypedResults.Ok(new AcceptedInvitation(joined))
            : TypedResults.NotFound(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = 404, Title = "Not found", Type = Hosting.ProblemDetailsSetup.TypePrefix + "not-found",
                Detail = "No pending invitation with this id is addressed to you.",
            });
    }

    private static async Task<PortalUser?> PersonAsync(ClaimsPrincipal principal, UserManager<PortalUser> users) =>
        principal.FindFirstValue(PortalClaims.ApiKeyId) is null && principal.UserId() is { } id
            ? await users.FindByIdAsync(id.ToString()) : null;
}
