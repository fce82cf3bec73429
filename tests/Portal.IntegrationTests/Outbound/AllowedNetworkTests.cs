using System.Net;
using System.Net.Sockets;
using Portal.IntegrationTests.Chat;
using static Portal.IntegrationTests.Outbound.GeneratorCalls;
using static Portal.IntegrationTests.Outbound.OutboundGuardTests;

namespace Portal.IntegrationTests.Outbound;

/// <summary>An operator allows 127.0.0.1/32 (see <see cref="OutboundApps.Loopback"/>).</summary>
[Collection(OutboundCollection.Name)]
public sealed class AllowedNetworkTests(OutboundApps apps)
{
    private readonly GuardedApp app = apps.Loopback;

    [Fact]
    public async Task An_allowed_network_is_reached_by_literal_and_by_name()
    {
        await using var fake = await FakeOpenAiServer.StartAsync();
        fake.Deltas = ["25 days [1]."];
        app.Resolver.Answer("vllm.internal.test", [IPAddress.Loopback]);
        var (owner, kb) = await TenantAsync(app);

        (await PutAndAskAsync(app, owner, kb, fake.BaseUrl)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var byName = await PutAndAskAsync(app, owner, kb, $"http://vllm.internal.test:{new Uri(fake.BaseUrl).Port}/v1");

        byName.StatusCode.ShouldBe(HttpStatusCode.OK, await byName.Content.ReadAsStringAsync());
        fake.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public async Task The_allow_list_opens_only_what_it_names()
    {
        var (owner, kb) = await TenantAsync(app);
        (await PutAsync(owner, kb, "http://127.0.0.1:8000/v1")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PutAsync(owner, kb, "http://127.0.0.2:8000/v1")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PutAsync(owner, kb, "http://[::1]:8000/v1")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PutAsync(owner, kb, "http://169.254.169.254/")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_rebinding_name_is_checked_again_at_every_connection()
    {
        await using var fake = await FakeOpenAiServer.StartAsync();
        fake.CloseConnections = true;
        // First lookup: an allowed address; every later one: loopback in a refused notation that still reaches the fake.
        app.Resolver.Answer("rebind.example.test", [IPAddress.Loopback], [IPAddress.Parse("::ffff:127.0.0.1")]);
        var (owner, kb) = await TenantAsync(app);
        var put = await PutAsync(owner, kb, $"http://rebind.example.test:{new Uri(fake.BaseUrl).Port}/v1");
        put.EnsureSuccessStatusCode();

        (await AskAsync(owner, kb)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var second = await AskAsync(owner, kb);

        await ShouldBeUnusableAsync(second);
        fake.Requests.Count.ShouldBe(1);
        app.Resolver.Lookups.Count(n => n == "rebind.example.test").ShouldBeGreaterThanOrEqualTo(2);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task A_redirect_is_not_followed(int status)
    {
        await using var target = await FakeOpenAiServer.StartAsync();
        await using var redirecting = await FakeOpenAiServer.StartAsync();
        redirecting.Redirect = (status, target.BaseUrl + "/chat/completions");
        var (owner, kb) = await TenantAsync(app);

        var response = await PutAndAskAsync(app, owner, kb, redirecting.BaseUrl);

        await ShouldBeUnusableAsync(response);
        redirecting.Requests.Count.ShouldBeGreaterThanOrEqualTo(1);
        target.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_closed_port_and_an_open_port_that_fails_answer_alike_without_the_backends_text()
    {
        await using var fake = await FakeOpenAiServer.StartAsync();
        fake.FailuresBeforeSuccess = 100;
        fake.FailureBody = "internal-backend-detail: db01.corp password=hunter2";
        var closedPort = ClosedPort();
        var (owner, kb) = await TenantAsync(app);

        var open = await PutAndAskAsync(app, owner, kb, fake.BaseUrl);
        var wrongPath = await PutAndAskAsync(app, owner, kb, fake.BaseUrl + "/nothing-here");
        var closed = await PutAndAskAsync(app, owner, kb, $"http://127.0.0.1:{closedPort}/v1");

        foreach (var response in new[] { open, wrongPath, closed }) await ShouldBeUnusableAsync(response);
        var bodies = new[] { await WithoutReferencesAsync(open), await WithoutReferencesAsync(wrongPath), await WithoutReferencesAsync(closed) };
        bodies.Distinct().Count().ShouldBe(1, string.Join("\n", bodies));
        bodies[0].ShouldNotContain("hunter2");
        bodies[0].ShouldNotContain("HTTP");
    }

    [Fact]
    public async Task A_response_over_the_size_cap_is_cut_off()
    {
        await using var fake = await FakeOpenAiServer.StartAsync();
        fake.Deltas = Enumerable.Repeat(new string('x', 1000), 200).ToArray();
        var (owner, kb) = await TenantAsync(app);

        var response = await PutAndAskAsync(app, owner, kb, fake.BaseUrl);

        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        (await response.Content.ReadAsStringAsync()).ShouldNotContain("xxxxxxxxxx");
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
