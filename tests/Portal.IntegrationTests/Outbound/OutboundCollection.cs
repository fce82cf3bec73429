using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Outbound;

/// <summary>Tests of calls the server makes on a tenant's behalf: one database, two apps with different outbound settings.</summary>
[CollectionDefinition(Name)]
public sealed class OutboundCollection : ICollectionFixture<OutboundApps>
{
    public const string Name = "outbound";
}

/// <summary>
/// <see cref="Default"/> refuses every non-public address; <see cref="Loopback"/> allows 127.0.0.1/32, where the fake
/// backends listen, so it stands in for a reachable destination while ::1 and ::ffff:127.0.0.1 stay refused.
/// </summary>
public sealed class OutboundApps : IAsyncLifetime
{
    private readonly PortalDatabase _database = new();
    private GuardedApp? _default, _loopback;

    internal GuardedApp Default => _default!;
    internal GuardedApp Loopback => _loopback!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _default = new GuardedApp(_database, new TestResolver());
        _loopback = new GuardedApp(_database, new TestResolver(), new Dictionary<string, string?>
        {
            ["Outbound:AllowedNetworks:0"] = "127.0.0.1/32",
            ["Outbound:MaxResponseBytes"] = "65536",
        });
    }

    public async Task DisposeAsync()
    {
        if (_default is not null) await _default.DisposeAsync();
        if (_loopback is not null) await _loopback.DisposeAsync();
        await _database.DisposeAsync();
    }
}
