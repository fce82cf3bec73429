using System.Net;
using Microsoft.Extensions.Options;
using Portal.Outbound;

namespace Portal.Tests.Outbound;

public sealed class AddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1", AddressClass.Loopback)]
    [InlineData("127.255.255.254", AddressClass.Loopback)]
    [InlineData("::1", AddressClass.Loopback)]
    [InlineData("10.0.0.1", AddressClass.Private)]
    [InlineData("172.16.0.1", AddressClass.Private)]
    [InlineData("172.31.255.255", AddressClass.Private)]
    [InlineData("192.168.1.1", AddressClass.Private)]
    [InlineData("100.64.0.1", AddressClass.Cgnat)]
    [InlineData("100.127.255.255", AddressClass.Cgnat)]
    [InlineData("169.254.1.1", AddressClass.LinkLocal)]
    [InlineData("fe80::1", AddressClass.LinkLocal)]
    [InlineData("169.254.169.254", AddressClass.Metadata)]
    [InlineData("fd00:ec2::254", AddressClass.Metadata)]
    [InlineData("224.0.0.1", AddressClass.Multicast)]
    [InlineData("239.255.255.250", AddressClass.Multicast)]
    [InlineData("ff02::1", AddressClass.Multicast)]
    [InlineData("fc00::1", AddressClass.UniqueLocal)]
    [InlineData("fd12:3456::1", AddressClass.UniqueLocal)]
    [InlineData("::ffff:127.0.0.1", AddressClass.Ipv4Mapped)]
    [InlineData("::ffff:8.8.8.8", AddressClass.Ipv4Mapped)]
    [InlineData("64:ff9b::7f00:1", AddressClass.Ipv4Mapped)]
    [InlineData("2002:7f00:1::1", AddressClass.Ipv4Mapped)]
    [InlineData("0.0.0.0", AddressClass.Reserved)]
    [InlineData("::", AddressClass.Reserved)]
    [InlineData("255.255.255.255", AddressClass.Reserved)]
    [InlineData("192.0.2.10", AddressClass.Reserved)]
    [InlineData("8.8.8.8", AddressClass.Public)]
    [InlineData("172.32.0.1", AddressClass.Public)]
    [InlineData("100.128.0.1", AddressClass.Public)]
    [InlineData("2606:4700:4700::1111", AddressClass.Public)]
    public void Each_address_is_classified_by_its_range(string address, AddressClass expected) =>
        AddressPolicy.Classify(IPAddress.Parse(address)).ShouldBe(expected);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("10.0.0.1")]
    [InlineData("100.64.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("fe80::1%2")]
    [InlineData("224.0.0.1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("0.0.0.0")]
    public void By_default_every_non_public_address_is_refused(string address) =>
        Policy().IsAllowed(IPAddress.Parse(address)).ShouldBeFalse();

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700:4700::1111")]
    public void A_public_address_is_allowed(string address) => Policy().IsAllowed(IPAddress.Parse(address)).ShouldBeTrue();

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.0.0.1", true)]
    [InlineData("192.168.1.1", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("fd12::1", true)]
    [InlineData("169.254.169.254", false)]
    [InlineData("fd00:ec2::254", false)]
    [InlineData("169.254.1.1", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    public void Allowing_private_networks_never_opens_link_local_metadata_or_multicast(string address, bool allowed) =>
        Policy(new OutboundOptions { AllowPrivateNetworks = true }).IsAllowed(IPAddress.Parse(address)).ShouldBe(allowed);

    [Theory]
    [InlineData("10.20.30.40", true)]
    [InlineData("10.20.255.255", true)]
    [InlineData("10.21.0.1", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("fd00:1::5", true)]
    [InlineData("fd00:2::5", false)]
    public void The_allow_list_opens_exactly_its_blocks(string address, bool allowed) =>
        Policy(new OutboundOptions { AllowedNetworks = ["10.20.0.0/16", " fd00:1::/32 ", ""] }).IsAllowed(IPAddress.Parse(address)).ShouldBe(allowed);

    [Fact]
    public void A_malformed_allow_list_fails_validation()
    {
        new OutboundOptions { AllowedNetworks = ["10.0.0.0/8"] }.NetworksAreValid().ShouldBeTrue();
        new OutboundOptions { AllowedNetworks = ["10.0.0.0/33"] }.NetworksAreValid().ShouldBeFalse();
        new OutboundOptions { AllowedNetworks = ["intranet"] }.NetworksAreValid().ShouldBeFalse();
    }

    internal static AddressPolicy Policy(OutboundOptions? options = null) => new(Options.Create(options ?? new OutboundOptions()));
}
