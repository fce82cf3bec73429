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
    private sealed record Target(Account A, Account B, string Canary, Guid BKeyId, Guid BInvitationId, Guid BMemberId, Guid BKnowledgeBaseId, Guid BDocumentId,
        Guid BMessageId, Guid BReviewItemId, long BChunkId, string BWidgetKey, Guid BConversationId, Guid BQaPairId);

    // METHOD pattern → requests to send as A. Route values are B's ids.
    private static readonly Dictionary<string, Func<Target, IEnumerable<HttpRequestMessage>>> Cases = new()
    {
        ["GET /healthz"] = _ => [Get("/healthz")],
        ["POST /account/logout"] = _ => [Form("/account/logout", [])],
        ["POST /account/switch-tenant"] = t => [Form("/account/switch-tenant", [new("tenantId", t.B.TenantId.ToString())])],
        ["GET /{**path:file}"] = _ => [Get("/app.css"), Get("/no-such-file.js")],
        ["GET /_framework/opaque-redirect"] = _ => [Get("/_framework/opaque-redirect")],
        ["GET /readyz"] = _ => [Get("/readyz")],
        ["GET /openapi/{documentName}.json"] = _ => [Get("/openapi/v1.json")],
        ["GET /scalar/{documentName?}"] = _ => [Get("/scalar/v1")],
        ["GET /culture"] = _ => [Get("/culture?name=zh-CN&returnUrl=/")],
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
        ["POST /api/v1/search"] = t => [
            Post("/api/v1/search", new { query = t.Canary, knowledgeBaseIds = new[] { t.BKnowledgeBaseId } }),
            Post("/api/v1/search", new { query = t.Canary }),
            Post("/api/v1/search", new { query = t.Canary, mode = "vector", filters = new { documentIds = new[] { t.BDocumentId } } }),
            Post("/api/v1/search", new { query = t.Canary, mode = "keyword" })],
        ["POST /api/v1/messages/{messageId:guid}/feedback"] = t => [Post($"/api/v1/messages/{t.BMessageId}/feedback", new { rating = "up", report = true })],
        ["POST /api/v1/messages/{messageId:guid}/report"] = t => [Post($"/api/v1/messages/{t.BMessageId}/report", new { reason = "sweep" })],
        ["GET /api/v1/review-queue"] = t => [Get("/api/v1/review-queue"), Get($"/api/v1/review-queue?kbId={t.BKnowledgeBaseId}&status=open")],
        ["POST /api/v1/review-queue/{itemId:guid}/approve"] = t => [Post($"/api/v1/review-queue/{t.BReviewItemId}/approve", null)],
        ["POST /api/v1/review-queue/{itemId:guid}/dismiss"] = t => [Post($"/api/v1/review-queue/{t.BReviewItemId}/dismiss", null)],
        ["POST /api/v1/review-queue/{itemId:guid}/correct"] = t => [Post($"/api/v1/review-queue/{t.BReviewItemId}/correct", new { answer = "sweep", knowledgeBaseId = t.BKnowledgeBaseId })],
        ["POST /api/v1/review-queue/{itemId:guid}/wrong-chunk"] = t => [Post($"/api/v1/review-queue/{t.BReviewItemId}/wrong-chunk", new { chunkId = t.BChunkId })],
        // The widget takes only publishable keys: A's credentials are refused, and B's key from a site B did not allow is too.
        ["GET /api/v1/widget/config"] = t => [Get("/api/v1/widget/config"), Widget(HttpMethod.Get, "/api/v1/widget/config", t.BWidgetKey, null)],
        ["POST /api/v1/widget/chat"] = t => [Post("/api/v1/widget/chat", new { message = t.Canary, conversationId = t.BConversationId }),
            Widget(HttpMethod.Post, "/api/v1/widget/chat", t.BWidgetKey, new { message = t.Canary, conversationId = t.BConversationId })],
        ["POST /api/v1/widget/feedback"] = t => [Post("/api/v1/widget/feedback", new { messageId = t.BMessageId, rating = "up" }),
            Widget(HttpMethod.Post, "/api/v1/widget/feedback", t.BWidgetKey, new { messageId = t.BMessageId, rating = "up" })],
        ["GET /api/v1/widget/settings"] = _ => [Get("/api/v1/widget/settings")],
        ["PUT /api/v1/widget/settings"] = t => [Put("/api/v1/widget/settings", new { title = "sweep", color = "#000000", position = "left", tenantId = t.B.TenantId })],
        ["GET /widget/preview"] = t => [Get("/widget/preview?key=" + t.BWidgetKey)],
        ["GET /api/v1/synonyms"] = _ => [Get("/api/v1/synonyms")],
        ["POST /api/v1/chat"] = t => [
            Post("/api/v1/chat", new { message = t.Canary + " launch plan", knowledgeBaseIds = new[] { t.BKnowledgeBaseId } }),
            Post("/api/v1/chat", new { message = "what is the launch plan?", conversationId = t.BConversationId, stream = true }),
            Post("/api/v1/chat", new { message = t.Canary + " launch plan", stream = true }),
            Post("/api/v1/chat", new { message = "launch plan for the quarter" })],
        ["GET /api/v1/chat/settings"] = _ => [Get("/api/v1/chat/settings")],
        ["PUT /api/v1/chat/settings"] = t => [Put("/api/v1/chat/settings", new { idkMessage = "sweep", tenantId = t.B.TenantId })],
        ["GET /api/v1/models/adapter"] = _ => [Get("/api/v1/models/adapter")],
        ["PUT /api/v1/models/adapter"] = t => [Put("/api/v1/models/adapter", new { version = "v1", tenantId = t.B.TenantId }), Put("/api/v1/models/adapter", new { version = (string?)null })],
        ["GET /api/v1/knowledge-bases/{kbId:guid}/generator"] = t => [Get($"/api/v1/knowledge-bases/{t.BKnowledgeBaseId}/generator")],
        ["PUT /api/v1/knowledge-bases/{kbId:guid}/generator"] = t => [Put($"/api/v1/knowledge-bases/{t.BKnowledgeBaseId}/generator", new { kind = "extractive" })],
        ["GET /api/v1/knowledge-bases/{kbId:guid}/qa-pairs"] = t => [Get($"/api/v1/knowledge-bases/{t.BKnowledgeBaseId}/qa-pairs")],
        ["POST /api/v1/knowledge-bases/{kbId:guid}/qa-pairs"] = t => [Post($"/api/v1/knowledge-bases/{t.BKnowledgeBaseId}/qa-pairs", new { question = "q", answer = "a" })],
        ["GET /api/v1/knowledge-bases/{kbId:guid}/qa-pairs/{qaPairId:guid}"] = t => [Get($"/api/v1/knowledge-bases/{t.BKnowledgeBaseId}/qa-pairs/{t.BQaPairId}")],
        ["PUT /api/v1/knowledge-bases/{kbId:guid}/qa-pairs/{qaPairId:guid}"] = t => [Put($"/api/v1/knowledge-bases/{t.BKnowledgeBaseId}/qa-pairs/{t.BQaPairId}", new { answer = "changed" })],
        ["DELETE /api/v1/knowledge-bases/{kbId:guid}/qa-pairs/{qaPairId:guid}"] = t => [Delete($"/api/v1/knowledge-bases/{t.BKnowledgeBaseId}/qa-pairs/{t.BQaPairId}")],
        ["POST /api/v1/knowledge-bases/{kbId:guid}/qa-pairs/import"] = t => [
            new(HttpMethod.Post, $"/api/v1/knowledge-bases/{t.BKnowledgeBaseId}/qa-pairs/import") { Content = new StringContent("{\"question\": \"q\", \"answer\": \"a\"}\n", Encoding.UTF8, "application/x-ndjson") }],
        ["GET /api/v1/knowledge-bases/{kbId:guid}/qa-pairs/export"] = t => [Get($"/api/v1/knowledge-bases/{t.BKnowledgeBaseId}/qa-pairs/export")],
        ["PUT /api/v1/synonyms"] = t => [Put("/api/v1/synonyms", new { synonyms = new Dictionary<string, string[]> { ["x"] = ["y"] }, tenantId = t.B.TenantId })],
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
        ["PATCH /api/v1/knowledge-bases/{kbId:guid}"] = t => [Patch($"/api/v1/knowledge-bases/{t.BKnowledgeBaseId}", new { name = "renamed", chunking = new { chunkSize = 64 }, retrieval = new { mode = "keyword", embedder = "hashed-ngram/v1/d384" } })],
        ["DELETE /api/v1/knowledge-bases/{kbId:guid}"] = t => [Delete($"/api/v1/knowledge-bases/{t.BKnowledgeBaseId}")],
        ["GET /api/v1/knowledge-bases/{kbId:guid}/documents"] = t => [Get($"/api/v1/knowledge-bases/{t.BKnowledgeBaseId}/documents")],
        ["POST /api/v1/knowledge-bases/{kbId:guid}/documents"] = t => [Upload($"/api/v1/knowledge-bases/{t.BKnowledgeBaseId}/documents")],
        ["GET /api/v1/documents/{id:guid}"] = t => [Get($"/api/v1/documents/{t.BDocumentId}")],
        ["GET /api/v1/documents/{id:guid}/chunks"] = t => [Get($"/api/v1/documents/{t.BDocumentId}/chunks")],
        ["GET /api/v1/documents/{id:guid}/content"] = t => [Get($"/api/v1/documents/{t.BDocumentId}/content")],
        ["DELETE /api/v1/documents/{id:guid}"] = t => [Delete($"/api/v1/documents/{t.BDocumentId}")],
        ["POST /api/v1/auth/manage/info"] = t => [Post("/api/v1/auth/manage/info", new { newEmail = t.B.Email })],
        ["GET /api/v1/billing/plans"] = _ => [Get("/api/v1/billing/plans")],
        ["GET /api/v1/billing"] = _ => [Get("/api/v1/billing")],
        // Without a Stripe key these answer 503 billing-not-configured; they must still not reach B.
        ["POST /api/v1/billing/checkout"] = t => [Post("/api/v1/billing/checkout", new { plan = "pro", tenantId = t.B.TenantId }),
            Post("/api/v1/billing/checkout", new { plan = "free" })],
        ["POST /api/v1/billing/portal"] = _ => [Post("/api/v1/billing/portal", null)],
        // An unsigned event naming B as its tenant is refused before anything is looked up.
        ["POST /api/v1/billing/stripe/webhook"] = t => [Post("/api/v1/billing/stripe/webhook", new
        {
            id = "evt_sweep", @object = "event", type = "customer.subscription.updated",
            data = new { @object = new { id = "sub_sweep", @object = "subscription", status = "canceled", metadata = new { tenant_id = t.B.TenantId } } },
        })],
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
                    if (!body.Contains("urn:portal:problem:billing-not-configured", StringComparison.Ordinal))
                        ((int)response.StatusCode).ShouldBeLessThan(500, $"{endpoint} as {name} failed: {body}");
                }
        }
        missing.ShouldBeEmpty("Endpoints without a cross-tenant case: " + string.Join(", ", missing));
        leaks.ShouldBeEmpty(string.Join("\n", leaks));
        (await FingerprintOfBAsync(target)).ShouldBe(before, "tenant B's data changed during the sweep");
    }

    [Fact]
    public async Task No_page_shows_or_changes_another_tenants_data_even_with_their_tenant_cookie()
    {
        var target = await ArrangeAsync();
        var before = await FingerprintOfBAsync(target);
        var login = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login?useCookies=true",
            new { email = target.A.Email, password = target.A.Password });
        login.EnsureSuccessStatusCode();
        var auth = login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("portal.auth=", StringComparison.Ordinal));
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        var cookies = $"{auth}; portal.tenant={target.B.TenantId}";

        var pages = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>() is not null)
            .Select(e => "/" + e.RoutePattern.RawText!.Trim('/')).Distinct().ToList();
        pages.ShouldContain("/members");
        foreach (var page in pages)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, page);
            request.Headers.Add("Cookie", cookies);
            var response = await client.SendAsync(request);
            var html = await response.Content.ReadAsStringAsync();
            ((int)response.StatusCode).ShouldBeLessThan(500, page);
            html.ShouldNotContain(target.Canary, Case.Insensitive, $"{page} showed tenant B's data");
        }

        // Forms that act on B's member and key ids are refused: the page only handles forms it rendered.
        foreach (var (page, handler) in new[] { ("/members", $"remove-{target.BMemberId:N}"), ("/api-keys", $"revoke-key-{target.BKeyId:N}") })
        {
            var get = new HttpRequestMessage(HttpMethod.Get, page);
            get.Headers.Add("Cookie", cookies);
            var form = await client.SendAsync(get);
            var html = await form.Content.ReadAsStringAsync();
            var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"").Groups[1].Value;
            var csrf = form.Headers.TryGetValues("Set-Cookie", out var set) ? string.Join("; ", set.Select(c => c.Split(';')[0])) : "";
            var post = new HttpRequestMessage(HttpMethod.Post, page)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["_handler"] = handler, ["__RequestVerificationToken"] = token, ["role"] = "Viewer",
                }),
            };
            post.Headers.Add("Cookie", string.Join("; ", new[] { cookies, csrf }.Where(c => c.Length > 0)));
            var response = await client.SendAsync(post);
            (await response.Content.ReadAsStringAsync()).ShouldNotContain(target.Canary, Case.Insensitive);
        }
        (await FingerprintOfBAsync(target)).ShouldBe(before, "tenant B's data changed through a page");
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
        // B's searchable content carries the canary: A's searches, whatever ids they name, must not return it.
        var bKb = await SearchCorpus.CreateKnowledgeBaseAsync(app, b.TenantId);
        var (bDoc, _) = await SearchCorpus.AddDocumentAsync(app, b.TenantId, bKb, $"{canary} plan.txt", [new($"{canary} launch plan for the quarter")]);
        await app.Database.AdminScalarAsync<int>(
            $"INSERT INTO search_synonyms (tenant_id, term, expansions) VALUES ('{b.TenantId}', '{canary.ToLowerInvariant()}', ARRAY['{canary}']) RETURNING 1");
        // B has a widget conversation whose answer quotes the canary, with a thumbs-down in B's review queue.
        var bWidgetKey = await Portal.IntegrationTests.Widget.WidgetVisitors.CreatePublishableKeyAsync(app, b);
        var bVisitor = Portal.IntegrationTests.Widget.WidgetVisitors.Visitor(app, bWidgetKey);
        var bAnswer = await Portal.IntegrationTests.Widget.WidgetVisitors.AskAsync(bVisitor, $"{canary} launch plan");
        (await bVisitor.PostAsJsonAsync("/api/v1/widget/feedback", new { messageId = bAnswer.MessageId, rating = "down", comment = canary })).EnsureSuccessStatusCode();
        var bItem = await app.Database.AdminScalarAsync<Guid>($"SELECT id FROM review_items WHERE message_id = '{bAnswer.MessageId}'");
        var bChunk = await app.Database.AdminScalarAsync<long>($"SELECT id FROM chunks WHERE document_id = '{bDoc}' LIMIT 1");
        // B's chat data: a curated pair, a generator config and a conversation, all carrying the canary.
        var qa = await b.Client.PostAsJsonAsync($"/api/v1/knowledge-bases/{bKb}/qa-pairs", new { question = $"What is {canary}?", answer = $"{canary} is the launch plan." });
        var qaPairId = (await qa.Content.ReadFromJsonAsync<IdBody>())!.Id;
        (await b.Client.PutAsJsonAsync($"/api/v1/knowledge-bases/{bKb}/generator", new { kind = "extractive", model = canary })).EnsureSuccessStatusCode();
        (await b.Client.PutAsJsonAsync("/api/v1/chat/settings", new { idkMessage = $"{canary} does not know" })).EnsureSuccessStatusCode();
        // B's active adapter version carries the canary (this node has no local model, so any valid name is recorded).
        (await b.Client.PutAsJsonAsync("/api/v1/models/adapter", new { version = canary })).EnsureSuccessStatusCode();
        var chat = await b.Client.PostAsJsonAsync("/api/v1/chat", new { message = "launch plan for the quarter", knowledgeBaseIds = new[] { bKb } });
        chat.EnsureSuccessStatusCode();
        return new Target(a, b, canary, keyId, invitationId, bMember.UserId, bKb, bDoc, bAnswer.MessageId, bItem, bChunk, bWidgetKey, bAnswer.ConversationId, qaPairId);
    }

    private Task<string> FingerprintOfBAsync(Target t) => app.Database.AdminScalarAsync<string>($"""
        SELECT concat_ws('|',
          (SELECT string_agg(user_id || ':' || role, ',' ORDER BY user_id) FROM memberships WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT string_agg(id || ':' || coalesce(revoked_at::text, '-'), ',' ORDER BY id) FROM api_keys WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT string_agg(id || ':' || coalesce(accepted_at::text, '-') || coalesce(revoked_at::text, '-'), ',' ORDER BY id) FROM invitations WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT name || status FROM tenants WHERE id = '{t.B.TenantId}'),
          (SELECT plan || status || coalesce(stripe_customer_id, '-') FROM tenant_billing WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT string_agg(id || name || chunking::text || retrieval::text, ',' ORDER BY id) FROM knowledge_bases WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT string_agg(id::text || building_version, ',' ORDER BY id) FROM documents WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT string_agg(term || array_to_string(expansions, ','), ',' ORDER BY term) FROM search_synonyms WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT string_agg(email || security_stamp, ',' ORDER BY id) FROM users WHERE email ILIKE '%{t.Canary}%'),
          (SELECT string_agg(id || status || array_to_string(reasons, ','), ',' ORDER BY id) FROM review_items WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT count(*) FROM feedback WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT count(*) FROM qa_pairs WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT count(*) FROM chunk_flags WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT count(*) FROM messages WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT sum(requests) FROM widget_usage WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT widget::text FROM tenant_settings WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT string_agg(id || question || answer || updated_at, ',' ORDER BY id) FROM qa_pairs WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT string_agg(kind || coalesce(model, '') || updated_at, ',' ORDER BY id) FROM generator_configs WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT chat::text FROM tenant_settings WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT count(*) || ':' || max(last_message_at) FROM conversations WHERE tenant_id = '{t.B.TenantId}'),
          (SELECT count(*) FROM chunks WHERE tenant_id = '{t.B.TenantId}'))
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
    private static HttpRequestMessage Form(string url, KeyValuePair<string, string>[] fields) =>
        new(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
    private static HttpRequestMessage Widget(HttpMethod method, string url, string key, object? body)
    {
        var request = WithBody(method, url, body);
        request.Headers.Add("X-Widget-Key", key);
        request.Headers.Add("X-Visitor-Id", Guid.NewGuid().ToString("N"));
        request.Headers.Add("Origin", "https://tenant-a.example.test");
        return request;
    }
    private static HttpRequestMessage Delete(string url) => new(HttpMethod.Delete, url);
    private static HttpRequestMessage Post(string url, object? body) => WithBody(HttpMethod.Post, url, body);
    private static HttpRequestMessage Patch(string url, object? body) => WithBody(HttpMethod.Patch, url, body);
    private static HttpRequestMessage Put(string url, object? body) => WithBody(HttpMethod.Put, url, body);
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
    private sealed record ConversationBody(Guid ConversationId);
}
