using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Portal.Web.Auth;
using Portal.Widget;

namespace Portal.Web.Features.Widget;

public sealed record WidgetSettingsResponse(WidgetSettings Settings, int EffectiveDailyQuota);

internal static class WidgetSettingsEndpoints
{
    public static IEndpointRouteBuilder MapWidgetSettingsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(WidgetCors.ApiPrefix + "/settings").WithTags("Widget").RequireAuthorization(PortalPolicies.TenantAdmin)
            .AddEndpointFilter<TenantScope>();
        group.MapGet("", async (WidgetSettingsStore store, IOptionsMonitor<WidgetOptions> options, CancellationToken ct) =>
            Respond(await store.LoadAsync(ct), options.CurrentValue));
        group.MapPut("", async (WidgetSettings body, WidgetSettingsStore store, IOptionsMonitor<WidgetOptions> options, CancellationToken ct) =>
            Respond(await store.SaveAsync(body, ct), options.CurrentValue));
        return app;
    }

    private static Ok<WidgetSettingsResponse> Respond(WidgetSettings settings, WidgetOptions options) =>
        TypedResults.Ok(new WidgetSettingsResponse(settings, settings.DailyQuota ?? options.DailyQuota));
}
