using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Portal.IntegrationTests.Infrastructure;
using Portal.Outbound;

namespace Portal.IntegrationTests.Outbound;

/// <summary>The real app whose outbound client looks names up in a <see cref="TestResolver"/> instead of DNS.</summary>
internal sealed class GuardedApp(PortalDatabase database, TestResolver resolver, IDictionary<string, string?>? overrides = null)
    : PortalApp(database, WithFastRetries(overrides))
{
    public TestResolver Resolver => resolver;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<IOutboundResolver>(resolver));
    }

    private static Dictionary<string, string?> WithFastRetries(IDictionary<string, string?>? overrides)
    {
        var settings = new Dictionary<string, string?> { ["Chat:GeneratorRetryDelayMs"] = "10" };
        foreach (var (k, v) in overrides ?? new Dictionary<string, string?>()) settings[k] = v;
        return settings;
    }
}
