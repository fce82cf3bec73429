using System.Security.Claims;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authorization;
using Portal.Identity;
using Portal.Web.Auth;

namespace Portal.Web.Features.Jobs;

/// <summary>
/// Hangfire's dashboard at <c>/jobs</c>, for platform operators only (<see cref="PlatformOperators"/>). Anonymous
/// browsers are sent to sign-in, anonymous API clients get 401, and signed-in people without the role (tenant Owners
/// included) get 403. Tenants see their own work on Portal's pages, never here.
/// </summary>
internal static class JobsDashboard
{
    public const string Path = "/jobs";
    /// <summary>The handler behind <see cref="PortalPolicies.PlatformOperator"/>.</summary>
    public static IServiceCollection AddJobsDashboardPolicy(this IServiceCollection services) =>
        services.AddScoped<IAuthorizationHandler, PlatformOperatorHandler>();

    public static IEndpointRouteBuilder MapJobsDashboard(this IEndpointRouteBuilder app)
    {
        app.MapHangfireDashboard(Path, new DashboardOptions
        {
            DashboardTitle = "Portal jobs",
            // The endpoint's policy decides; Hangfire's own filter would allow local requests only.
            Authorization = [],
            AsyncAuthorization = [],
            DisplayStorageConnectionString = false,
            AppPath = "/",
        }).RequireAuthorization(PortalPolicies.PlatformOperator);
        return app;
    }
}

internal sealed class PlatformOperatorRequirement : IAuthorizationRequirement;

/// <summary>Checks the role against the database on every request, so a revoked operator loses the dashboard at once.</summary>
internal sealed class PlatformOperatorHandler(PlatformOperators operators) : AuthorizationHandler<PlatformOperatorRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, PlatformOperatorRequirement requirement)
    {
        // API keys act for a tenant, never for the platform.
        if (context.User.FindFirstValue(PortalClaims.ApiKeyId) is not null) return;
        if (Guid.TryParse(context.User.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)
            && await operators.IsOperatorAsync(userId, CancellationToken.None))
            context.Succeed(requirement);
    }
}
