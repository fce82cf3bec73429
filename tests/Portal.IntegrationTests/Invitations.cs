using System.Net;
using System.Net.Http.Json;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests;

internal static class Invitations
{
    /// <summary>The owner invites the other person, who accepts; the invited person is then a member.</summary>
    public static async Task JoinAsync(PortalApp app, Account owner, Account invited, string role)
    {
        var invite = await owner.Client.PostAsJsonAsync("/api/v1/members", new { email = invited.Email, role });
        invite.StatusCode.ShouldBe(HttpStatusCode.Created);
        var pending = await invited.Client.GetFromJsonAsync<List<Pending>>("/api/v1/invitations");
        var mine = pending!.Single(p => p.TenantId == owner.TenantId);
        (await invited.Client.PostAsync($"/api/v1/invitations/{mine.Id}/accept", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private sealed record Pending(Guid Id, Guid TenantId);
}
