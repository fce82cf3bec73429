using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Portal.Outbound;

/// <summary>Decides whether the server may connect to an address: public ones yes, the rest only as the operator allows.</summary>
internal sealed class AddressPolicy(IOptions<OutboundOptions> options)
{
    private static readonly (IPNetwork Network, AddressClass Class)[] Ranges =
    [
        (IPNetwork.Parse("169.254.169.254/32"), AddressClass.Metadata),
        (IPNetwork.Parse("100.100.100.200/32"), AddressClass.Metadata),
        (IPNetwork.Parse("fd00:ec2::254/128"), AddressClass.Metadata),
        (IPNetwork.Parse("0.0.0.0/8"), AddressClass.Reserved),
        (IPNetwork.Parse("10.0.0.0/8"), AddressClass.Private),
        (IPNetwork.Parse("100.64.0.0/10"), AddressClass.Cgnat),
        (IPNetwork.Parse("127.0.0.0/8"), AddressClass.Loopback),
        (IPNetwork.Parse("169.254.0.0/16"), AddressClass.LinkLocal),
        (IPNetwork.Parse("172.16.0.0/12"), AddressClass.Private),
        (IPNetwork.Parse("192.0.0.0/24"), AddressClass.Reserved),
        (IPNetwork.Parse("192.0.2.0/24"), AddressClass.Reserved),
        (IPNetwork.Parse("192.88.99.0/24"), AddressClass.Reserved),
        (IPNetwork.Parse("192.168.0.0/16"), AddressClass.Private),
        (IPNetwork.Parse("198.18.0.0/15"), AddressClass.Reserved),
        (IPNetwork.Parse("198.51.100.0/24"), AddressClass.Reserved),
        (IPNetwork.Parse("203.0.113.0/24"), AddressClass.Reserved),
        (IPNetwork.Parse("224.0.0.0/4"), AddressClass.Multicast),
        (IPNetwork.Parse("240.0.0.0/4"), AddressClass.Reserved),
        (IPNetwork.Parse("::1/128"), AddressClass.Loopback),
        (IPNetwork.Parse("::/128"), AddressClass.Reserved),
        (IPNetwork.Parse("::ffff:0:0/96"), AddressClass.Ipv4Mapped),
        // IPv4-compatible, NAT64, 6to4 and Teredo addresses carry an IPv4 address that could be a refused one.
        (IPNetwork.Parse("::/96"), AddressClass.Ipv4Mapped),
        (IPNetwork.Parse("64:ff9b::/96"), AddressClass.Ipv4Mapped),
        (IPNetwork.Parse("64:ff9b:1::/48"), AddressClass.Ipv4Mapped),
        (IPNetwork.Parse("2002::/16"), AddressClass.Ipv4Mapped),
        (IPNetwork.Parse("2001::/32"), AddressClass.Ipv4Mapped),
        (IPNetwork.Parse("100::/64"), AddressClass.Reserved),
        (IPNetwork.Parse("2001:db8::/32"), AddressClass.Reserved),
        (IPNetwork.Parse("fc00::/7"), AddressClass.UniqueLocal),
        (IPNetwork.Parse("fe80::/10"), AddressClass.LinkLocal),
        (IPNetwork.Parse("fec0::/10"), AddressClass.LinkLocal),
        (IPNetwork.Parse("ff00::/8"), AddressClass.Multicast),
    ];

    private readonly IReadOnlyList<IPNetwork> _allowed = options.Value.ParsedNetworks();

    public static AddressClass Classify(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return AddressClass.Ipv4Mapped;
        var plain = WithoutScope(address);
        foreach (var (network, kind) in Ranges)
            if (network.BaseAddress.AddressFamily == plain.AddressFamily && network.Contains(plain)) return kind;
        return plain.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 ? AddressClass.Public : AddressClass.Reserved;
    }

    // fe80::1%2 and fe80::1 are the same range.
    private static IPAddress WithoutScope(IPAddress a) =>
        a.AddressFamily == AddressFamily.InterNetworkV6 && a.ScopeId != 0 ? new IPAddress(a.GetAddressBytes()) : a;

    public bool IsAllowed(IPAddress address)
    {
        var plain = WithoutScope(address);
        if (_allowed.Any(n => n.BaseAddress.AddressFamily == plain.AddressFamily && n.Contains(plain))) return true;
        return Classify(plain) switch
        {
            AddressClass.Public => true,
            AddressClass.Loopback or AddressClass.Private or AddressClass.Cgnat or AddressClass.UniqueLocal => options.Value.AllowPrivateNetworks,
            _ => false,
        };
    }
}
