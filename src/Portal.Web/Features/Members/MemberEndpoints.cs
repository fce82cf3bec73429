using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Members;
using Portal.Web.Auth;
using Portal.Web.Features.Account;

namespace Portal.Web.Features.Members;

public sealed record InviteMemberRequest(string? Email, string? Role);
public sealed record ChangeRoleRequest(string? Role);

internal static class MemberEndpoints
{
    public static IEndpointRouteBuilder MapMemberEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/members").WithTags("Members").RequireAuthorization(PortalPolicies.TenantViewer).AddEndpointFilter<TenantScope>();
        group.MapGet("", async (MemberService members, CancellationToken ct) => TypedResults.Ok(await members.ListAsync(ct)));
        group.MapPost("", InviteAsync).RequireAuthorization(PortalPolicies.TenantAdmin);
        group.MapPatch("/{userId:guid}", async (Guid userId, ChangeRoleRequest request, MemberService members, CancellationToken ct) =>
            TypedResults.Ok(await members.ChangeRoleAsync(userId, request.Role, ct))).RequireAuthorization(PortalPolicies.TenantAdmin);
        group.MapDelete("/{userId:guid}", async (Guid userId, MemberService members, CancellationToken ct) =>
        {
            await members.RemoveAsync(userId, ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(PortalPolicies.TenantAdmin);
        group.MapDelete("/invitations/{invitationId:guid}", async (Guid invitationId, MemberService members, CancellationToken ct) =>
        {
            await members.RevokeInvitationAsync(invitationId, ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(PortalPolicies.TenantAdmin);
        return app;
    }

    /// <summary>Creates a pending invitation; the invited person accepts it once registered with that email.</summary>
    private static async Task<Created<InvitationView>> InviteAsync(
        InviteMemberRequest request, MemberService members, ClaimsPrincipal principal, CancellationToken ct)
    {
        var userId = principal.UserId() ?? throw PortalException.Forbidden("Members are invited by people, not by API keys.");
        var invitation = await members.InviteAsync(request.Email, request.Role, userId, ct);
        return TypedResults.Created($"/api/v1/members/invitations/{invitation.Id}", invitation);
    }
}
