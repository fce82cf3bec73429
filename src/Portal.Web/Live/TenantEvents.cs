using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Portal.Web.Live;

/// <summary>
/// The web node's relay from PostgreSQL's <c>portal_events</c> channel to its own circuits. A subscriber names its
/// tenant and receives that tenant's events only; the tenant comes from the subscriber's session, never from a page.
/// </summary>
internal sealed partial class TenantEvents(ILogger<TenantEvents> logger)
{
    private readonly ConcurrentDictionary<Guid, ImmutableList<Subscription>> _byTenant = new();

    public IDisposable Subscribe(Guid tenantId, Func<PortalEvent, Task> handler)
    {
        var subscription = new Subscription(this, tenantId, handler);
        _byTenant.AddOrUpdate(tenantId, _ => [subscription], (_, list) => list.Add(subscription));
        return subscription;
    }

    public int SubscriberCount(Guid tenantId) => _byTenant.TryGetValue(tenantId, out var list) ? list.Count : 0;

    public void Publish(PortalEvent e)
    {
        if (!_byTenant.TryGetValue(e.TenantId, out var subscribers)) return;
        foreach (var subscriber in subscribers) _ = DeliverAsync(subscriber, e);
    }

    private async Task DeliverAsync(Subscription subscriber, PortalEvent e)
    {
        try { await subscriber.Handler(e); }
        catch (Exception ex) { LogDeliveryFailed(ex, e.Kind, e.Id); }
    }

    private void Remove(Subscription subscription)
    {
        while (_byTenant.TryGetValue(subscription.TenantId, out var list))
        {
            var remaining = list.Remove(subscription);
            if (remaining.IsEmpty
                ? _byTenant.TryRemove(new KeyValuePair<Guid, ImmutableList<Subscription>>(subscription.TenantId, list))
                : _byTenant.TryUpdate(subscription.TenantId, remaining, list)) return;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live {Kind} event for {Id} failed in a page")]
    private partial void LogDeliveryFailed(Exception exception, string kind, Guid id);

    private sealed class Subscription(TenantEvents owner, Guid tenantId, Func<PortalEvent, Task> handler) : IDisposable
    {
        public Guid TenantId => tenantId;
        public Func<PortalEvent, Task> Handler => handler;
        public void Dispose() => owner.Remove(this);
    }
}
