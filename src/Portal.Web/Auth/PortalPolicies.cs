using Microsoft.AspNetCore.Authorization;
using Portal.Tenancy;

namespace Portal.Web.Auth;

/// <summary>
/// The portal's named authorization policies. Tenant policies read the tenant from the API key or the person's
/// session and fail closed when there is none; endpoint groups and pages name one of these, or allow anonymity.
/// </summary>
internal static class PortalPolicies
{
    /// <summary>A signed-in person or a secret key, with or without a tenant (their own profile, invitations).</summary>
    public const string SignedIn = "SignedIn";
    public const string TenantViewer = "TenantViewer";
    public const string TenantEditor = "TenantEditor";
    public const string TenantAdmin = "TenantAdmin";
    public const string TenantOwner = "TenantOwner";
    /// <summary>
    /// People who run the platform itself (the job dashboard): the <c>operator</c> role of <see cref="Portal.Identity.PlatformOperators"/>,
    /// checked against the database on every request (<see cref="Features.Jobs.PlatformOperatorHandler"/>).
    /// </summary>
    public const string PlatformOperator = "PlatformOperator";

    public static readonly IReadOnlyList<string> All =
        [SignedIn, TenantViewer, TenantEditor, TenantAdmin, TenantOwner, PlatformOperator];

    public static AuthorizationBuilder AddPortalPolicies(this AuthorizationBuilder auth) => auth
        .AddPolicy(SignedIn, p => p.RequireAuthenticatedUser())
        .AddPolicy(TenantViewer, p => p.RequireAuthenticatedUser().AddRequirements(new TenantRoleRequirement(TenantRole.Viewer)))
        .AddPolicy(TenantEditor, p => p.RequireAuthenticatedUser().AddRequirements(new TenantRoleRequirement(TenantRole.Editor)))
        .AddPolicy(TenantAdmin, p => p.RequireAuthenticatedUser().AddRequirements(new TenantRoleRequirement(TenantRole.Admin)))
        .AddPolicy(TenantOwner, p => p.RequireAuthenticatedUser().AddRequirements(new TenantRoleRequirement(TenantRole.Owner)))
        .AddPolicy(PlatformOperator, p => p.RequireAuthenticatedUser().AddRequirements(new Features.Jobs.PlatformOperatorRequirement()));
}
