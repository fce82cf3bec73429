using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Portal.Outbound;

/// <summary>
/// The <c>Outbound</c> section: how far the server may reach when a tenant's setting (a generator's base URL) makes it call
/// out. By default only public addresses are reachable; an operator opens private ones explicitly.
/// </summary>
public sealed class OutboundOptions
{
    /// <summary>Allows loopback, private (RFC 1918), CGNAT and IPv6 unique-local addresses, e.g. for an on-premises vLLM.
    /// Link-local (and so the cloud metadata address), multicast and reserved addresses stay refused.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>CIDR blocks that are reachable whatever their class, e.g. <c>10.20.0.0/16</c> or <c>127.0.0.1/32</c>.</summary>
    public string[] AllowedNetworks { get; set; } = [];

    /// <summary>Bytes of one response body; a longer one fails the call.</summary>
    [Range(1024, 1L << 31)] public long MaxResponseBytes { get; set; } = 16L << 20;

    /// <summary>Seconds for one whole exchange, headers and body.</summary>
    [Range(1, 3600)] public int ResponseTimeoutSeconds { get; set; } = 300;

    [Range(1, 120)] public int ConnectTimeoutSeconds { get; set; } = 10;

    internal IReadOnlyList<IPNetwork> ParsedNetworks() =>
        AllowedNetworks.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => IPNetwork.Parse(n.Trim())).ToList();

    internal bool NetworksAreValid() =>
        AllowedNetworks.Where(n => !string.IsNullOrWhiteSpace(n)).All(n => IPNetwork.TryParse(n.Trim(), out _));
}
