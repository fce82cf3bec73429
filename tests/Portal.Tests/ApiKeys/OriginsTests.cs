using Portal.ApiKeys;

namespace Portal.Tests.ApiKeys;

public sealed class OriginsTests
{
    [Theory]
    [InlineData("https://Shop.Example.com", "https://shop.example.com")]
    [InlineData("https://shop.example.com:443", "https://shop.example.com")]
    [InlineData("http://localhost:8080", "http://localhost:8080")]
    [InlineData("https://shop.example.com/", "https://shop.example.com")]
    [InlineData("https://bücher.example", "https://xn--bcher-kva.example")]
    public void Origins_are_normalised_as_browsers_send_them(string input, string expected) =>
        Origins.Normalise(input).ShouldBe(expected);

    [Theory]
    [InlineData("shop.example.com")]
    [InlineData("ftp://shop.example.com")]
    [InlineData("https://shop.example.com/path")]
    [InlineData("https://shop.example.com?q=1")]
    [InlineData("https://user:pw@shop.example.com")]
    [InlineData("javascript:alert(1)")]
    [InlineData("")]
    public void Anything_but_a_bare_http_origin_is_refused(string input) => Origins.Normalise(input).ShouldBeNull();

    [Fact]
    public void A_list_with_one_bad_origin_is_refused_with_a_message_naming_it()
    {
        var error = Should.Throw<PortalException>(() => Origins.NormaliseAll(["https://a.example", "https://b.example/x"]));
        error.Message.ShouldContain("https://b.example/x");
        error.Status.ShouldBe(400);
    }

    [Fact]
    public void Duplicates_collapse() =>
        Origins.NormaliseAll(["https://a.example", "https://A.example/", "https://a.example:443"]).ShouldBe(["https://a.example"]);
}
