using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portal.IntegrationTests.Infrastructure;
using Portal.Web.Auth;

namespace Portal.IntegrationTests.Auth;

/// <summary>Every door names who may pass: a portal policy, or explicit anonymity. A new endpoint or page without one fails here.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class PolicyCoverageTests(SharedApp app)
{
    [Fact]
    public void Every_endpoint_names_a_portal_policy_or_allows_anonymity()
    {
        app.CreateClient().Dispose();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        endpoints.Count.ShouldBeGreaterThan(50);

        var uncovered = endpoints.Where(e => !IsDevelopmentFileFallback(e) && !IsCovered(e.Metadata.GetMetadata<IAllowAnonymous>() is not null,
                e.Metadata.GetOrderedMetadata<IAuthorizeData>()))
            .Select(e => $"{string.Join(',', e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])} {e.RoutePattern.RawText}")
            .ToList();

        uncovered.ShouldBeEmpty();
    }

    [Fact]
    public void Every_page_names_a_portal_policy_or_allows_anonymity()
    {
        var pages = typeof(PortalPolicies).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t) && t.GetCustomAttributes<RouteAttribute>().Any()).ToList();
        pages.Count.ShouldBeGreaterThan(10);

        var uncovered = pages.Where(p => !IsCovered(p.GetCustomAttribute<AllowAnonymousAttribute>() is not null,
            p.GetCustomAttributes().OfType<IAuthorizeData>().ToList())).Select(p => p.FullName).ToList();

        uncovered.ShouldBeEmpty();
    }

    [Fact]
    public void The_tenant_endpoints_use_the_tenant_policies()
    {
        app.CreateClient().Dispose();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        var policiesOf = endpoints.Where(e => e.RoutePattern.RawText is "/api/v1/members/{userId:guid}" or "/api/v1/knowledge-bases/{kbId:guid}/documents")
            .SelectMany(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy)).ToHashSet();

        policiesOf.ShouldContain(PortalPolicies.TenantViewer);
        policiesOf.ShouldContain(PortalPolicies.TenantAdmin);
        policiesOf.ShouldContain(PortalPolicies.TenantEditor);
    }

    // In Development, MapStaticAssets adds its own catch-all that serves wwwroot files added after the build; the
    // framework maps it outside the conventions of the builder it returns. Production has no such endpoint.
    private static bool IsDevelopmentFileFallback(RouteEndpoint e) =>
        e.RoutePattern.RawText == "{**path:file}" && e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is ["GET", "HEAD"];

    private static bool IsCovered(bool anonymous, IReadOnlyList<IAuthorizeData> authorize) =>
        anonymous || authorize.Any(a => a.Policy is { } policy && PortalPolicies.All.Contains(policy));
}
