using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests;

/// <summary>
/// Every endpoint the app maps is called with tenant A's credentials against tenant B's ids and
/// bodies. No response may carry B's canary strings and B's data must be unchanged. An endpoint
/// without a case here fails the sweep, so a new endpoint cannot skip it.
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class CrossTenantSweepTests(SharedApp app)
{
    private sealed record Target(Account A, Account B, string Canary, Guid BKeyId, Guid BInvitationId, Guid BMemberId, Guid BKbId, Guid BDocumentId);

    // METHOD pattern → requests to send as A. Route values are B's ids.
    private static readonly Dictionary<string, Func<Target, IEnumerable<HttpRequestMessage>>> Cases = new()
    {
        ["GET /healthz"] = _ => [Get("/healthz")],
        ["GET /{**path:file}"] = _ => [Get("/app.css"), Get("/no-such-file.js")],
        ["GET /_framework/opaque-redirect"] = _ => [Get("/_framework/opaque-redirect")],
        ["GET /readyz"] = _ => [Get("/readyz")],
        ["GET /openapi/{documentName}.json"] = _ => [Get("/openapi/v1.json")],
        ["GET /api/v1/me"] = _ => [Get("/api/v1/me")],
        ["GET /api/v1/invitations"] = _ => [Get("/api/v1/invitations")],
        ["POST /api/v1/invitations/{invitationId:guid}/accept"] = t => [Post($"/api/v1/invitations/{t.BInvitationId}/accept", null)],
        ["GET /api/v1/api-keys"] = _ => [Get("/api/v1/api-keys")],
        ["POST /api/v1/api-keys"] = t => [Post("/api/v1/api-keys", new { name = "sweep", kind = "secret", tenantId = t.B.TenantId })],
        ["DELETE /api/v1/api-keys/{keyId:guid}"] = t => [Delete($"/api/v1/api-keys/{t.BKeyId}")],
        ["GET /api/v1/members"] = _ => [Get("/api/v1/members")],
        ["POST /api/v1/members"] = t => [Post("/api/v1/members", new { email = t.B.Email, role = "Owner", tenantId = t.B.TenantId })],
        ["PATCH /api/v1/members/{userId:guid}"] = t => [Patch($"/api/v1/members/{t.BMemberId}", new { role = "Viewer" })],
        ["DELETE /api/v1/members/{userId:guid}"] = t => [Delete($"/api/v1/members/{t.BMemberId}")],
        ["DELETE /api/v1/members/invitations/{invitationId:guid}"] = t => [Delete($"/api/v1/members/invitations/{t.BInvitationId}")],
        ["POST /api/v1/auth/register"] = t => [Post("/api/v1/auth/register", new { email = $"sweep-{Guid.NewGuid():N}@example.test", password = "sweep password 1", tenantName = "sweep" })],
        ["POST /api/v1/auth/login"] = t => [Post("/api/v1/auth/login", new { email = t.B.Email, password = "wrong password" })],
        ["POST /api/v1/auth/refresh"] = _ => [Post("/api/v1/auth/refresh", new { refreshToken = "not-a-token" })],
        ["GET /api/v1/auth/confirmEmail"] = t => [Get($"/api/v1/auth/confirmEmail?userId={t.B.UserId}&code=x")],
        ["POST /api/v1/auth/resendConfirmationEmail"] = t => [Post("/api/v1/auth/resendConfirmationEmail", new { email = t.B.Email })],
        ["POST /api/v1/auth/forgotPassword"] = t => [Post("/api/v1/auth/forgotPassword", new { email = t.B.Email })],
        ["POST /api/v1/auth/resetPassword"] = t => [Post("/api/v1/auth/resetPassword", new { email = t.B.Email, resetCode = "x", newPassword = "whatever whatever" })],
        ["POST /api/v1/auth/manage/2fa"] = _ => [Post("/api/v1/auth/manage/2fa", new { enable = false })],
        ["GET /api/v1/auth/manage/info"] = _ => [Get("/api/v1/auth/manage/info")],
        ["GET /api/v1/knowledge-bases"] = _ => [Get("/api/v1/knowledge-bases")],
        ["POST /api/v1/knowledge-bases"] = t => [Post("/api/v1/knowledge-bases", new { name = "sweep " + Guid.NewGuid().ToString("N")[..6], tenantId = t.B.TenantId })],
        ["PATCH /api/v1/knowledge-bases/{kbId:guid}"] = t => [Patch($"/api/v1/knowledge-bases/{t.BKbId}", new { name = "renamed", chunking = new { chunkSize = 64 } })],
        ["DELETE /api/v1/knowledge-bases/{kbId:guid}"] = t => [Delete($"/api/v1/knowledge-bases/{t.BKbId}")],
        ["GET /api/v1/knowledge-bases/{kbId:guid}/documents"] = t => [Get($"/api/v1/knowledge-bases/{t.BKbId}/documents")],
        ["POST /api/v1/knowledge-bases/{kbId:guid}/documents"] = t => [Upload($"/api/v1/knowledge-bases/{t.BKbId}/documents")],
        ["GET /api/v1/documents/{id:guid}"] = t => [Get($"/api/v1/documents/{t.BDocumentId}")],
        ["GET /api/v1/documents/{id:guid}/chunks"] = t => [Get($"/api/v1/documents/{t.BDocumentId}/chunks")],
        ["GET /api/v1/documents/{id:guid}/content"] = t => [Get($"/api/v1/documents/{t.BDocumentId}/content")],
        ["DELETE /api/v1/documents/{id:guid}"] = t => [Delete($"/api/v1/documents/{t.BDocumentId}")],
        ["POST /api/v1/auth/manage/info"] = t => [Post("/api/v1/auth/manage/info", new { newEmail = t.B.Email })],
    };

    [Fact]
    public async Task No_endpoint_returns_or_changes_another_tenants_data()
    {
        var target = await ArrangeAsync();
        var before = await FingerprintOfBAsync(target);
        var aKey = await app.CreateSecretKeyAsync(target.A, "sweep key");
        var callers = new (string Name, Func<HttpClient> Client)[]
        {
            ("A's bearer token", () => Authed(target.A)),
            ("A's bearer token naming B's tenant", () => WithTenant(Authed(target.A), target.B.TenantId)),
            ("A's API key", () => app.ClientWithKey(aKey)),
            ("A's API key naming B's tenant", () => WithTenant(app.ClientWithKey(aKey), target.B.TenantId)),
        };

        var missing = new List<string>();
        var leaks = new List<string>();
        foreach (var endpoint in Endpoints())
        {
            if (!Cases.TryGetValue(endpoint, out var build)) { missing.Add(endpoint); continue; }
            foreach (var (name, client) in callers)
                foreach (var request in build(target))
                {
                    // What A itself sent (say, B's email in an invitation) may be echoed back; nothing else of B's may.
                    var sent = request.RequestUri + (request.Content is null ? "" : await request.Content.ReadAsStringAsync());
                    var response = await client().SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    foreach (var echoed in System.Text.RegularExpressions.Regex.Matches(sent, @"[\w.+-]*" + target.Canary.ToLowerInvariant() + @"[\w.@+-]*")
                                 .Select(m => m.Value))
                        body = body.Replace(echoed, "", StringComparison.OrdinalIgnoreCase);
                    if (body.Contains(target.Canary, StringComparison.OrdinalIgnoreCase))
                        leaks.Add($"{endpoint} as {name}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 200)]}");
                    ((int)response.StatusCode).ShouldBeLessThan(500, $"{endpoint} as {name} failed: {body}");
                }
        }
        missing.ShouldBeEmpty("Endpoints without a cross-tenant case: " + string.Join(", ", missing));
        leaks.ShouldBeEmpty(string.Join("\n", leaks));
        (await FingerprintOfBAsync(target)).ShouldBe(before, "tenant B's data changed during the sweep");
    }

    [Fact]
    public async Task Every_api_endpoint_has_a_sweep_case_and_no_case_is_stale()
    {
        var endpoints = Endpoints().ToHashSet();
        Cases.Keys.Where(k => !endpoints.Contains(k)).ShouldBeEmpty("cases for endpoints that no longer exist");
    }

    private IEnumerable<string> Endpoints() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>() is null)
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>() is not null && !IsStaticAsset(e))
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods
                .Select(m => $"{m} /{e.RoutePattern.RawText!.Trim('/')}"))
            .Where(e => !e.StartsWith("HEAD ", StringComparison.Ordinal))
            .Distinct();

    // Static files (CSS, scripts) carry no tenant data; pages are swept by the UI sweep.
    private static bool IsStaticAsset(RouteEndpoint e) =>
        e.DisplayName?.Contains("static", StringComparison.OrdinalIgnoreCase) == true
        || e.RoutePattern.RawText?.Contains('.') == true && !e.RoutePattern.RawText.StartsWith("/openapi", StringComparison.Ordinal)
        || e.RoutePattern.RawText == "_framework/blazor.web.js";

    private async Task<Target> ArrangeAsync()
    {
        var canary = "CANARY" + Guid.NewGuid().ToString("N")[..10];
        var a = await app.RegisterAsync("Tenant A");
        var b = await app.RegisterAsync($"{canary} Tenant", $"{canary.ToLowerInvariant()}-owner@example.test");
        var bMember = await app.RegisterAsync($"{canary} second", $"{canary.ToLowerInvariant()}-member@example.test");
        await Invitations.JoinAsync(app, b, bMember, "Editor");
        var keyResponse = await b.Client.PostAsJsonAsync("/api/v1/api-keys", new { name = $"{canary} key", kind = "secret" });
        var keyId = (await keyResponse.Content.ReadFromJsonAsync<KeyEnvelope>())!.Key.Id;
        var invitation = await b.Client.PostAsJsonAsync("/api/v1/members", new { email = a.Email, role = "Admin" });
        var invitationId = (await invitation.Content.ReadFromJsonAsync<IdBody>())!.Id;
        // A is invited to B but has not accepted: the sweep must not be able to use that to read B.
        await app.Database.AdminScalarAsync<int>(
            $"WITH u AS (UPDATE invitations SET email = '{canary.ToLowerInvariant()}-pending@example.test' WHERE id = '{invitationId}' RETURNING 1) SELECT count(*)::int FROM u");
        var kb = await b.Client.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = $"{canary} kb" });
        var kbId = (await kb.Content.ReadFromJsonAsync<IdBody>())!.Id;
        var upload = await b.Client.PostAsync($"/api/v1/knowledge-bases/{kbId}/documents",
            Documents.DocumentApi.Files(($"{canary}.md", Encoding.UTF8.GetBytes($"# {canary}\n\nSecret {canary} text.\n"))));
        var documentId = (await upload.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("documents")[0].GetProperty("id").GetGuid();
        return new Target(a, b, canary, keyId, invitationId, bMember.UserId, kbId, documentId);
    }

    private Task<string> FingerprintOfBAsync(Target t) => app.Database.AdminScalarAsync<string>($"""
        SELECT concat_ws('|',
          (SELECT string_agg(user_id || ':' || role, ',' ORDER BY user_id) FROM memberships WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT string_agg(id || ':' || coalesce(revoked_at::text, '-'), ',' ORDER BY id) FROM api_keys WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT string_agg(id || ':' || coalesce(accepted_at::text, '-') || coalesce(revoked_at::text, '-'), ',' ORDER BY id) FROM invitations WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT name || status FROM tenants WHERE id = '{t.B.TenantId}'),
          (SELECT string_agg(id || name || chunking::text, ',' ORDER BY id) FROM knowledge_bases WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT string_agg(id::text || building_version, ',' ORDER BY id) FROM documents WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT string_agg(email || security_stamp, ',' ORDER BY id) FROM users WHERE email ILIKE '%{t.Canary}%'))
        """);

    private HttpClient Authed(Account account)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = account.Client.DefaultRequestHeaders.Authorization;
        return client;
    }

    private static HttpClient WithTenant(HttpClient client, Guid tenantId)
    {
        client.DefaultRequestHeaders.Add("X-Tenant-Id", tenantId.ToString());
        return client;
    }

    private static HttpRequestMessage Get(string url) => new(HttpMethod.Get, url);
    private static HttpRequestMessage Delete(string url) => new(HttpMethod.Delete, url);
    private static HttpRequestMessage Post(string url, object? body) => WithBody(HttpMethod.Post, url, body);
    private static HttpRequestMessage Patch(string url, object? body) => WithBody(HttpMethod.Patch, url, body);
    private static HttpRequestMessage Upload(string url) => new(HttpMethod.Post, url)
    {
        Content = Documents.DocumentApi.Files(("sweep.txt", Encoding.UTF8.GetBytes("sweep upload"))),
    };
    private static HttpRequestMessage WithBody(HttpMethod method, string url, object? body) => new(method, url)
    {
        Content = body is null ? null : new StringContent(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
    };

    private sealed record KeyEnvelope(IdBody Key);
    private sealed record IdBody(Guid Id);
}
