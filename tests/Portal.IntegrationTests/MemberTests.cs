using System.Net;
using System.Net.Http.Json;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests;

[Collection(DatabaseCollection.Name)]
public sealed class MemberTests(SharedApp app)
{
    [Fact]
    public async Task The_last_owner_can_be_neither_removed_nor_demoted()
    {
        var owner = await app.RegisterAsync();
        var removed = await owner.Client.DeleteAsync($"/api/v1/members/{owner.UserId}");
        removed.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await removed.Content.ReadAsStringAsync()).ShouldContain("urn:portal:problem:last-owner");
        var demoted = await owner.Client.PatchAsJsonAsync($"/api/v1/members/{owner.UserId}", new { role = "Admin" });
        demoted.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await app.Database.AdminScalarAsync<long>(
            $"SELECT count(*) FROM memberships WHERE tenant_id = '{owner.TenantId}' AND role = 'Owner'")).ShouldBe(1);
    }

    [Fact]
    public async Task An_invited_person_joins_with_the_invited_role_and_can_then_choose_either_tenant()
    {
        var owner = await app.RegisterAsync();
        var invited = await app.RegisterAsync();
        await Invitations.JoinAsync(app, owner, invited, "Editor");

        var me = await invited.Client.GetFromJsonAsync<MeBody>("/api/v1/me");
        me!.Tenants.Select(t => (t.Id, t.Role)).ShouldBe([(owner.TenantId, "Editor"), (invited.TenantId, "Owner")], ignoreOrder: true);

        var noHeader = await invited.Client.GetAsync("/api/v1/members");
        noHeader.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/members");
        request.Headers.Add("X-Tenant-Id", owner.TenantId.ToString());
        var members = await (await invited.Client.SendAsync(request)).Content.ReadAsStringAsync();
        members.ShouldContain(owner.Email);
    }

    [Fact]
    public async Task Editors_and_viewers_cannot_manage_members_or_keys()
    {
        var owner = await app.RegisterAsync();
        var viewer = await app.RegisterAsync();
        await Invitations.JoinAsync(app, owner, viewer, "Viewer");
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = viewer.Client.DefaultRequestHeaders.Authorization;
        client.DefaultRequestHeaders.Add("X-Tenant-Id", owner.TenantId.ToString());
        (await client.PostAsJsonAsync("/api/v1/members", new { email = "x@example.test", role = "Viewer" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.DeleteAsync($"/api/v1/members/{owner.UserId}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await client.PostAsJsonAsync("/api/v1/api-keys", new { name = "x", kind = "secret" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_invitation_cannot_be_accepted_by_someone_else()
    {
        var owner = await app.RegisterAsync();
        var stranger = await app.RegisterAsync();
        var invite = await owner.Client.PostAsJsonAsync("/api/v1/members", new { email = "someone-else@example.test", role = "Admin" });
        var id = (await invite.Content.ReadFromJsonAsync<IdBody>())!.Id;
        (await stranger.Client.PostAsync($"/api/v1/invitations/{id}/accept", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM memberships WHERE tenant_id = '{owner.TenantId}'")).ShouldBe(1);
    }

    private sealed record MeBody(List<TenantBody> Tenants);
    private sealed record TenantBody(Guid Id, string Role);
    private sealed record IdBody(Guid Id);
}
