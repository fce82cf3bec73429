using System.Net;
using Portal.Outbound;

namespace Portal.Tests.Outbound;

public sealed class OutboundUrlTests
{
    private readonly OutboundUrl _urls = new(AddressPolicyTests.Policy());

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("2130706433", "127.0.0.1")]
    [InlineData("0x7f000001", "127.0.0.1")]
    [InlineData("0x7f.0.0.1", "127.0.0.1")]
    [InlineData("0177.0.0.1", "127.0.0.1")]
    [InlineData("017700000001", "127.0.0.1")]
    [InlineData("127.1", "127.0.0.1")]
    [InlineData("127.0.1", "127.0.0.1")]
    [InlineData("127.0.0.1.", "127.0.0.1")]
    [InlineData("0xa9.0xfe.0xa9.0xfe", "169.254.169.254")]
    [InlineData("0251.0376.0251.0376", "169.254.169.254")]
    [InlineData("2852039166", "169.254.169.254")]
    [InlineData("[::ffff:127.0.0.1]", "::ffff:127.0.0.1")]
    [InlineData("[::ffff:7f00:1]", "::ffff:127.0.0.1")]
    [InlineData("::1", "::1")]
    [InlineData("１２７.０.０.１", "127.0.0.1")]
    public void Every_notation_of_an_address_reads_as_that_address(string literal, string expected)
    {
        LiteralAddress.TryParse(literal, out var address).ShouldBeTrue();
        address.ShouldBe(IPAddress.Parse(expected));
    }

    [Theory]
    [InlineData("llm.example.com")]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("09.1.1.1")]
    public void A_name_is_not_a_literal(string host) => LiteralAddress.TryParse(host, out _).ShouldBeFalse();

    [Theory]
    [InlineData("http://127.0.0.1:8000/v1")]
    [InlineData("http://2130706433/")]
    [InlineData("http://0x7f.1/")]
    [InlineData("http://[::ffff:7f00:1]/")]
    [InlineData("http://localhost/")]
    [InlineData("http://LOCALHOST./")]
    [InlineData("http://x.localhost/")]
    [InlineData("http://169.254.169.254/")]
    [InlineData("http://[fd00::1]/")]
    [InlineData("http://u:p@llm.example.com/")]
    [InlineData("http://@llm.example.com/")]
    [InlineData("https://llm.example.com/v1#frag")]
    [InlineData("ftp://llm.example.com/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/v1/relative")]
    public void A_url_the_server_must_not_call_has_a_problem(string url) => _urls.Problem(url).ShouldNotBeNull();

    [Theory]
    [InlineData("https://api.openai.com/v1")]
    [InlineData("http://8.8.8.8:8000/v1")]
    [InlineData("http://llm.internal.example:11434/v1")]
    public void A_public_url_or_a_name_has_none(string url) => _urls.Problem(url).ShouldBeNull();

    [Fact]
    public void An_allowed_network_may_be_saved_as_a_literal() =>
        new OutboundUrl(AddressPolicyTests.Policy(new OutboundOptions { AllowedNetworks = ["127.0.0.1/32"] }))
            .Problem("http://127.0.0.1:8000/v1").ShouldBeNull();
}
