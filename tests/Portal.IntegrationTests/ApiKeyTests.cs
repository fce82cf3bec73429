using System.Net;
using System.Net.Http.Json;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests;

[Collection(DatabaseCollection.Name)]
public sealed class ApiKeyTests(SharedApp app)
{
    [Fact]
    public async Task A_secret_key_is_shown_once_and_stored_only_as_its_hash()
    {
        var owner = await app.RegisterAsync();
        var secret = await app.CreateSecretKeyAsync(owner);
        secret.ShouldStartWith("kb_sk_");
        (secret.Length - "kb_sk_".Length).ShouldBeGreaterThanOrEqualTo(22); // ≥ 128 bits in base62

        var listed = await owner.Client.GetStringAsync("/api/v1/api-keys");
        listed.ShouldNotContain(secret);
        var storedPlain = await app.Database.AdminScalarAsync<long>(
            $"SELECT count(*) FROM api_keys WHERE encode(secret_hash, 'escape') LIKE '%{secret[6..]}%'");
        storedPlain.ShouldBe(0);
        var storedHash = await app.Database.AdminScalarAsync<long>(
            $"SELECT count(*) FROM api_keys WHERE secret_hash = sha256('{secret}'::bytea)");
        storedHash.ShouldBe(1);
    }

    [Fact]
    public async Task Unknown_revoked_and_expired_keys_get_byte_identical_401s()
    {
        var owner = await app.RegisterAsync();
        var revoked = await app.CreateSecretKeyAsync(owner, "to revoke");
        var keys = await owner.Client.GetFromJsonAsync<List<KeyBody>>("/api/v1/api-keys");
        (await owner.Client.DeleteAsync($"/api/v1/api-keys/{keys!.Single().Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var expired = await app.CreateSecretKeyAsync(owner, "to expire");
        await app.Database.AdminScalarAsync<int>(
            $"WITH u AS (UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE secret_hash = sha256('{expired}'::bytea) RETURNING 1) SELECT count(*)::int FROM u");

        var bodies = new List<string>();
        foreach (var key in new[] { "kb_sk_" + new string('x', 43), revoked, expired })
        {
            var response = await app.ClientWithKey(key).GetAsync("/api/v1/members");
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            bodies.Add(await response.Content.ReadAsStringAsync());
        }
        bodies.Distinct().ToList().ShouldBe([bodies[0]], string.Join("\n", bodies));
        bodies[0].ShouldNotBeEmpty();
    }

    [Fact]
    public async Task A_key_stops_working_once_its_tenant_is_suspended()
    {
        var owner = await app.RegisterAsync();
        var secret = await app.CreateSecretKeyAsync(owner);
        (await app.ClientWithKey(secret).GetAsync("/api/v1/members")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await app.Database.AdminScalarAsync<int>(
            $"WITH u AS (UPDATE tenants SET status = 'suspended' WHERE id = '{owner.TenantId}' RETURNING 1) SELECT count(*)::int FROM u");
        (await app.ClientWithKey(secret).GetAsync("/api/v1/members")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_key_stops_working_once_its_creator_is_removed()
    {
        var owner = await app.RegisterAsync();
        var admin = await app.RegisterAsync();
        await Invitations.JoinAsync(app, owner, admin, "Admin");
        var adminInOwnersTenant = await app.SignInAsync(admin.Email, admin.Password);
        adminInOwnersTenant.DefaultRequestHeaders.Add("X-Tenant-Id", owner.TenantId.ToString());
        var created = await adminInOwnersTenant.PostAsJsonAsync("/api/v1/api-keys", new { name = "admin's", kind = "secret" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var secret = (await created.Content.ReadFromJsonAsync<CreatedBody>())!.Secret;
        (await app.ClientWithKey(secret).GetAsync("/api/v1/members")).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await owner.Client.DeleteAsync($"/api/v1/members/{admin.UserId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await app.ClientWithKey(secret).GetAsync("/api/v1/members")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_publishable_key_needs_origins_and_is_refused_by_the_management_api()
    {
        var owner = await app.RegisterAsync();
        var noOrigins = await owner.Client.PostAsJsonAsync("/api/v1/api-keys", new { name = "widget", kind = "publishable" });
        noOrigins.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await noOrigins.Content.ReadAsStringAsync()).ShouldContain("allowedOrigins");

        var created = await owner.Client.PostAsJsonAsync("/api/v1/api-keys",
            new { name = "widget", kind = "publishable", allowedOrigins = new[] { "https://shop.example.com" } });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var secret = (await created.Content.ReadFromJsonAsync<CreatedBody>())!.Secret;
        secret.ShouldStartWith("kb_pk_");
        (await app.ClientWithKey(secret).GetAsync("/api/v1/members")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private sealed record KeyBody(Guid Id);
    private sealed record CreatedBody(string Secret);
}
