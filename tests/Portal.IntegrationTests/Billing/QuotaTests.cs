using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Billing;
using Portal.IntegrationTests.Documents;
using Portal.IntegrationTests.Infrastructure;
using Portal.Tenancy;
using static Portal.IntegrationTests.Billing.BillingFixture;

namespace Portal.IntegrationTests.Billing;

/// <summary>Plans and quotas from configuration alone (no Stripe): 402 quota-exceeded where work is accepted.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class QuotaTests(SharedApp shared)
{
    [Fact]
    public async Task The_plans_are_listed_anonymously_with_every_limit()
    {
        var plans = await shared.CreateClient().GetFromJsonAsync<JsonElement>("/api/v1/billing/plans");
        var items = plans.GetProperty("items").EnumerateArray().ToList();
        items.Select(p => p.GetProperty("id").GetString()).ShouldBe(["free", "pro", "business"], ignoreOrder: true);
        foreach (var plan in items)
        {
            plan.GetProperty("name").GetString().ShouldNotBeNullOrEmpty();
            plan.GetProperty("currency").GetString().ShouldBe("usd");
            plan.TryGetProperty("stripePriceId", out _).ShouldBeTrue();
            plan.GetProperty("limits").EnumerateObject().Select(l => l.Name).ShouldBe(
                ["knowledgeBases", "documents", "storageBytes", "questionsPerMonth", "widgetQuestionsPerDay", "gpuMinutesPerMonth", "members"],
                ignoreOrder: true);
        }
        var free = items.Single(p => p.GetProperty("id").GetString() == "free");
        free.GetProperty("priceMonthly").GetDecimal().ShouldBe(0);
        free.GetProperty("stripePriceId").ValueKind.ShouldBe(JsonValueKind.Null);
        items.Single(p => p.GetProperty("id").GetString() == "pro").GetProperty("priceMonthly").GetDecimal().ShouldBe(59);
    }

    [Fact]
    public async Task A_new_tenant_sees_the_free_plan_and_its_usage_and_only_owners_and_admins_see_billing()
    {
        var owner = await shared.RegisterAsync();
        await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        var billing = await BillingAsync(owner);
        billing.GetProperty("plan").GetString().ShouldBe("free");
        billing.GetProperty("status").GetString().ShouldBe("active");
        billing.GetProperty("cancelAtPeriodEnd").GetBoolean().ShouldBeFalse();
        var start = billing.GetProperty("currentPeriodStart").GetDateTimeOffset();
        billing.GetProperty("currentPeriodEnd").GetDateTimeOffset().ShouldBe(start.AddMonths(1));
        billing.GetProperty("usage").GetProperty("knowledgeBases").GetInt64().ShouldBe(1);
        billing.GetProperty("usage").GetProperty("members").GetInt64().ShouldBe(1);
        billing.GetProperty("limits").GetProperty("knowledgeBases").GetInt64().ShouldBe(3);
        billing.GetProperty("usage").EnumerateObject().Count().ShouldBe(7);

        (await shared.CreateClient().GetAsync("/api/v1/billing")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var key = await shared.CreateSecretKeyAsync(owner);
        (await shared.ClientWithKey(key).GetAsync("/api/v1/billing")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var editor = await InviteAsync(shared, owner, "Editor");
        (await editor.GetAsync("/api/v1/billing")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Knowledge_bases_and_members_stop_at_the_plans_limit_with_402()
    {
        await using var app = new PortalApp(shared.Database, Settings(null));
        var owner = await app.RegisterAsync();
        await SetPlanAsync(app, owner.TenantId, "tiny");
        await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        await ShouldBeQuotaExceededAsync(await owner.Client.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "third" }), "knowledgeBases", 2, 2);

        // Members count pending invitations: the owner plus one invitation fill a plan of two.
        (await owner.Client.PostAsJsonAsync("/api/v1/members", new { email = $"a-{Guid.NewGuid():N}@example.test", role = "Viewer" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        await ShouldBeQuotaExceededAsync(
            await owner.Client.PostAsJsonAsync("/api/v1/members", new { email = $"b-{Guid.NewGuid():N}@example.test", role = "Viewer" }), "members", 2, 2);
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM knowledge_bases WHERE tenant_id = '{owner.TenantId}'")).ShouldBe(2);
    }

    [Fact]
    public async Task Questions_stop_at_the_monthly_allowance_unless_the_plan_meters_overage()
    {
        await using var app = new PortalApp(shared.Database, Settings(null));
        var owner = await app.RegisterAsync();
        await SetPlanAsync(app, owner.TenantId, "tiny");
        var kb = await SearchCorpus.CreateKnowledgeBaseAsync(app, owner.TenantId);
        await SearchCorpus.AddDocumentAsync(app, owner.TenantId, kb, "returns.md", [new("Refunds are paid within 14 days.")]);
        for (var i = 0; i < 2; i++)
            (await owner.Client.PostAsJsonAsync("/api/v1/chat", new { message = "When are refunds paid?" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await ShouldBeQuotaExceededAsync(await owner.Client.PostAsJsonAsync("/api/v1/chat", new { message = "When are refunds paid?" }),
            "questionsPerMonth", 2, 2);
        (await BillingAsync(owner)).GetProperty("usage").GetProperty("questionsPerMonth").GetInt64().ShouldBe(2);

        await using var metered = new PortalApp(shared.Database, Settings(null, new() { ["Overage"] = "true" }));
        (await (await metered.SignInAsync(owner.Email, owner.Password)).PostAsJsonAsync("/api/v1/chat", new { message = "When are refunds paid?" }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.Database.AdminScalarAsync<long>(
            $"SELECT count(*) FROM metered_usage WHERE tenant_id = '{owner.TenantId}' AND meter = 'questions' AND reported_at IS NULL")).ShouldBe(1);
    }

    [Fact]
    public async Task Widget_questions_beyond_the_plans_daily_allowance_get_429_with_retry_after()
    {
        await using var app = new PortalApp(shared.Database, Settings(null));
        var (owner, key, _) = await Widget.WidgetVisitors.ArrangeAsync(app);
        await SetPlanAsync(app, owner.TenantId, "tiny");
        var visitor = Widget.WidgetVisitors.Visitor(app, key);
        await Widget.WidgetVisitors.AskAsync(visitor, "When are refunds paid?");
        var refused = await Widget.WidgetVisitors.PostChatAsync(visitor, "When are refunds paid?");
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        int.Parse(refused.Headers.GetValues("Retry-After").Single()).ShouldBeGreaterThan(0);
        (await app.Database.AdminScalarAsync<long>(
            $"SELECT used FROM usage_counters WHERE tenant_id = '{owner.TenantId}' AND resource = 'widgetQuestions'")).ShouldBe(1);
    }

    [Fact]
    public async Task Fifty_parallel_uploads_at_the_last_free_slot_admit_exactly_one()
    {
        await using var app = new PortalApp(shared.Database, Settings(null, new() { ["Limits:Documents"] = "3", ["Limits:StorageBytes"] = "" }));
        var owner = await app.RegisterAsync();
        await SetPlanAsync(app, owner.TenantId, "tiny");
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        await DocumentApi.UploadOkAsync(owner.Client, kb, ("one.txt", Encoding.UTF8.GetBytes("The first document.")),
            ("two.txt", Encoding.UTF8.GetBytes("The second document.")));

        var uploads = Enumerable.Range(0, 50).Select(i =>
            DocumentApi.UploadAsync(owner.Client, kb, ($"race-{i}.txt", Encoding.UTF8.GetBytes($"Racing document number {i}.")))).ToList();
        var responses = await Task.WhenAll(uploads);
        responses.Count(r => r.StatusCode == HttpStatusCode.Accepted).ShouldBe(1);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Accepted))
            await ShouldBeQuotaExceededAsync(refused, "documents", 3, 3);
        (await app.Database.AdminScalarAsync<long>($"SELECT count(*) FROM documents WHERE tenant_id = '{owner.TenantId}'")).ShouldBe(3);
    }

    [Fact]
    public async Task A_tenant_over_its_storage_after_a_downgrade_reads_and_deletes_but_does_not_add()
    {
        await using var app = new PortalApp(shared.Database, Settings(null));
        var owner = await app.RegisterAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        var big = Encoding.UTF8.GetBytes(string.Join(' ', Enumerable.Range(0, 30_000).Select(i => $"word{i}")));
        var uploaded = await DocumentApi.UploadOkAsync(owner.Client, kb, ("big.txt", big));
        await SetPlanAsync(app, owner.TenantId, "tiny"); // 100,000 bytes: the tenant already holds more

        var usage = await BillingAsync(owner);
        usage.GetProperty("usage").GetProperty("storageBytes").GetInt64().ShouldBe(big.Length);
        await ShouldBeQuotaExceededAsync(await DocumentApi.UploadAsync(owner.Client, kb, ("small.txt", Encoding.UTF8.GetBytes("A small one."))),
            "storageBytes", 100_000, big.Length);
        (await owner.Client.GetAsync($"/api/v1/documents/{uploaded[0].Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await owner.Client.GetAsync($"/api/v1/knowledge-bases/{kb}/documents")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await owner.Client.DeleteAsync($"/api/v1/documents/{uploaded[0].Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await DocumentApi.UploadAsync(owner.Client, kb, ("small.txt", Encoding.UTF8.GetBytes("A small one.")))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task GPU_launches_are_checked_against_the_minutes_left_and_recorded_minutes_count()
    {
        await using var app = new PortalApp(shared.Database, Settings(null));
        var owner = await app.RegisterAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(owner.TenantId, TenantRole.Owner, "test");
            var db = scope.ServiceProvider.GetRequiredService<Portal.Data.PortalDbContext>();
            var quotas = scope.ServiceProvider.GetRequiredService<Quotas>();
            await using var tx = await Portal.Data.TenantTransactions.BeginTenantTransactionAsync(db, owner.TenantId, CancellationToken.None);
            var free = await Should.ThrowAsync<PortalException>(() => quotas.EnsureGpuMinutesAsync(1, CancellationToken.None));
            free.Status.ShouldBe(402);
            free.Extensions["resource"].ShouldBe("gpuMinutesPerMonth");
        }
        await SetPlanAsync(app, owner.TenantId, "tiny");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(owner.TenantId, TenantRole.Owner, "test");
            var db = scope.ServiceProvider.GetRequiredService<Portal.Data.PortalDbContext>();
            var quotas = scope.ServiceProvider.GetRequiredService<Quotas>();
            await using var tx = await Portal.Data.TenantTransactions.BeginTenantTransactionAsync(db, owner.TenantId, CancellationToken.None);
            await quotas.EnsureGpuMinutesAsync(10, CancellationToken.None);
            await quotas.RecordGpuMinutesAsync("fine-tune:test", 7.25, CancellationToken.None);
            var over = await Should.ThrowAsync<PortalException>(() => quotas.EnsureGpuMinutesAsync(3, CancellationToken.None));
            over.Extensions["used"].ShouldBe(8L);
            await quotas.EnsureGpuMinutesAsync(2, CancellationToken.None);
            await tx.CommitAsync();
        }
        (await BillingAsync(owner)).GetProperty("usage").GetProperty("gpuMinutesPerMonth").GetInt64().ShouldBe(8);
    }

    internal static async Task<HttpClient> InviteAsync(PortalApp app, Account owner, string role)
    {
        var invitee = await app.RegisterAsync();
        var invited = await owner.Client.PostAsJsonAsync("/api/v1/members", new { email = invitee.Email, role });
        invited.EnsureSuccessStatusCode();
        var invitation = (await invited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await invitee.Client.PostAsync($"/api/v1/invitations/{invitation}/accept", null)).EnsureSuccessStatusCode();
        var client = await app.SignInAsync(invitee.Email, invitee.Password);
        client.DefaultRequestHeaders.Add("X-Tenant-Id", owner.TenantId.ToString());
        return client;
    }
}
