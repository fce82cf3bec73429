using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portal.IntegrationTests.Chat;
using static Portal.IntegrationTests.Outbound.GeneratorCalls;

namespace Portal.IntegrationTests.Outbound;

/// <summary>
/// A tenant steers where the generator calls. Names are checked when connecting, through a test resolver; the fake
/// backend listens on 127.0.0.1, so a guard that let a refused address through would be caught by its request log.
/// </summary>
[Collection(OutboundCollection.Name)]
public sealed class OutboundGuardTests(OutboundApps apps)
{
    private readonly GuardedApp app = apps.Default;

    public static TheoryData<string, string> RefusedClasses => new()
    {
        { "loopback", "127.0.0.1" },
        { "loopback-other", "127.0.0.2" },
        { "ipv6-loopback", "::1" },
        { "mapped-loopback", "::ffff:127.0.0.1" },
        { "private-10", "10.1.2.3" },
        { "private-172", "172.16.5.4" },
        { "private-192", "192.168.1.10" },
        { "link-local", "169.254.10.20" },
        { "metadata", "169.254.169.254" },
        { "cgnat", "100.64.1.1" },
        { "multicast", "224.0.0.251" },
        { "unique-local", "fd12:3456::1" },
        { "unspecified", "0.0.0.0" },
    };

    [Theory]
    [MemberData(nameof(RefusedClasses))]
    public async Task A_name_that_resolves_to_a_refused_address_is_never_connected(string label, string address)
    {
        await using var fake = await FakeOpenAiServer.StartAsync();
        var name = $"llm-{label}.example.test";
        app.Resolver.Answer(name, [IPAddress.Parse(address)]);
        var (owner, kb) = await TenantAsync(app);

        var response = await PutAndAskAsync(app, owner, kb, $"http://{name}:{new Uri(fake.BaseUrl).Port}/v1");

        await ShouldBeUnusableAsync(response);
        app.Resolver.Lookups.ShouldContain(name);
        fake.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_name_with_one_refused_address_among_public_ones_is_refused_whole()
    {
        await using var fake = await FakeOpenAiServer.StartAsync();
        app.Resolver.Answer("mixed.example.test", [IPAddress.Parse("8.8.8.8"), IPAddress.Parse("127.0.0.1")]);
        var (owner, kb) = await TenantAsync(app);

        var response = await PutAndAskAsync(app, owner, kb, $"http://mixed.example.test:{new Uri(fake.BaseUrl).Port}/v1");

        await ShouldBeUnusableAsync(response);
        fake.Requests.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("http://127.0.0.1:8000/v1")]
    [InlineData("http://2130706433/v1")]
    [InlineData("http://0x7f000001/v1")]
    [InlineData("http://0177.0.0.1/v1")]
    [InlineData("http://127.1/v1")]
    [InlineData("http://127.0.0.1./v1")]
    [InlineData("http://[::1]:8000/v1")]
    [InlineData("http://[::ffff:127.0.0.1]/v1")]
    [InlineData("http://[::ffff:7f00:1]/v1")]
    [InlineData("http://localhost:8000/v1")]
    [InlineData("http://api.localhost/v1")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://0xa9fea9fe/")]
    [InlineData("http://0251.0376.0251.0376/")]
    [InlineData("http://2852039166/")]
    [InlineData("http://10.0.0.1/v1")]
    [InlineData("http://172.31.255.255/v1")]
    [InlineData("http://192.168.0.1/v1")]
    [InlineData("http://100.100.100.200/")]
    [InlineData("http://[fd00:ec2::254]/")]
    [InlineData("http://[fe80::1]/v1")]
    [InlineData("http://224.0.0.1/v1")]
    [InlineData("http://0.0.0.0:8000/v1")]
    [InlineData("http://user:pass@llm.example.com/v1")]
    [InlineData("http://token@llm.example.com/v1")]
    [InlineData("ftp://llm.example.com/v1")]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://llm.example.com/")]
    public async Task A_refused_base_url_is_refused_when_saved_with_a_400_that_names_the_field(string baseUrl)
    {
        var (owner, kb) = await TenantAsync(app);

        var response = await PutAsync(owner, kb, baseUrl);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        problem.GetProperty("errors").TryGetProperty("baseUrl", out _).ShouldBeTrue();
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM generator_configs WHERE knowledge_base_id = '{kb}'")).ShouldBe(0);
    }

    [Theory]
    [InlineData("https://llm.example.com/v1")]
    [InlineData("http://8.8.8.8:8000/v1")]
    [InlineData("https://[2606:4700:4700::1111]/v1")]
    public async Task A_public_base_url_is_accepted_when_saved(string baseUrl)
    {
        var (owner, kb) = await TenantAsync(app);
        (await PutAsync(owner, kb, baseUrl)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    internal static async Task ShouldBeUnusableAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway, text);
        var problem = JsonDocument.Parse(text).RootElement;
        problem.GetProperty("type").GetString().ShouldBe("urn:portal:problem:generator-unavailable");
        problem.GetProperty("detail").GetString()!.ShouldMatch(@"^The generator could not be used \(reference [0-9a-f]{32}\)\.$");
    }

    /// <summary>The problem with its per-request reference and ids blanked, to compare two failures.</summary>
    internal static async Task<string> WithoutReferencesAsync(HttpResponseMessage response) =>
        Regex.Replace(Regex.Replace(await response.Content.ReadAsStringAsync(), "[0-9a-f]{32}", "REF"),
            "\"traceId\":\"[^\"]*\"", "\"traceId\":\"ID\"");
}
