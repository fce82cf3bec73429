namespace Portal.Web.Live;

internal static class LiveEventsRegistration
{
    public static IServiceCollection AddPortalLiveEvents(this IServiceCollection services)
    {
        services.AddSingleton<TenantEvents>();
        services.AddHostedService<PortalEventListener>();
        return services;
    }
}
