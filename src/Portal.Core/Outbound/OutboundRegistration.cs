using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Portal.Outbound;

public static class OutboundRegistration
{
    /// <summary>The HttpClient name for every call whose destination a tenant can steer.</summary>
    public const string ClientName = "portal-outbound";

    /// <summary>
    /// One outbound client for every tenant-steered call: checked addresses at connect time, no redirects, no proxy,
    /// capped size and time. Callers take <c>IHttpClientFactory.CreateClient(ClientName)</c>.
    /// </summary>
    public static IServiceCollection AddPortalOutbound(this IServiceCollection services)
    {
        services.AddOptions<OutboundOptions>().BindConfiguration("Outbound").ValidateDataAnnotations()
            .Validate(o => o.NetworksAreValid(), "Outbound:AllowedNetworks holds CIDR blocks such as 10.20.0.0/16.")
            .ValidateOnStart();
        services.TryAddSingleton<IOutboundResolver, DnsOutboundResolver>();
        services.AddSingleton<AddressPolicy>();
        services.AddSingleton<OutboundUrl>();
        services.AddSingleton<GuardedConnector>();
        services.AddTransient<OutboundLimits>();
        // Callers set their own deadlines; the client's 100 s default would cut long streamed answers.
        services.AddHttpClient(ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<GuardedConnector>().CreateHandler())
            .AddHttpMessageHandler<OutboundLimits>();
        return services;
    }
}
