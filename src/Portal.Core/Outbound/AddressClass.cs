namespace Portal.Outbound;

/// <summary>What an IP address is, as far as deciding whether the server may connect to it goes.</summary>
public enum AddressClass
{
    Public,
    Loopback,
    Private,
    Cgnat,
    UniqueLocal,
    LinkLocal,
    Metadata,
    Multicast,
    Ipv4Mapped,
    Reserved,
}
