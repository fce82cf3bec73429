using System.Net;

namespace Portal.Outbound;

/// <summary>Resolves a host name for the outbound client at connect time. Tests replace it to stand in for DNS.</summary>
public interface IOutboundResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);
}

internal sealed class DnsOutboundResolver : IOutboundResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Dns.GetHostAddressesAsync(host, ct);
}
