using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Portal.Billing;
using Portal.Data;
using Portal.IntegrationTests.Documents;
using Portal.IntegrationTests.Infrastructure;
using Portal.Tenancy;
using static Portal.IntegrationTests.Billing.BillingFixture;

namespace Portal.IntegrationTests.Billing;

/// <summary>Checkout, the customer portal, webhooks and meter events, against a local Stripe stand-in through Stripe.net.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class StripeBillingTests(SharedApp shared) : IAsyncLifetime
{
    private StripeStandIn _stripe = null!;
    private PortalApp _app = null!;

    public async Task InitializeAsync()
    {
        _stripe = await StripeStandIn.StartAsync();
        _app = new PortalApp(shared.Database, Settings(_stripe));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _stripe.DisposeAsync();
    }

    [Fact]
    public async Task Without_a_secret_key_checkout_and_portal_answer_503_after_validating_the_plan()
    {
        var owner = await shared.RegisterAsync();
        var checkout = await ProblemAsync(await owner.Client.PostAsJsonAsync("/api/v1/billing/checkout", new { plan = "pro" }), 503);
        checkout.GetProperty("type").GetString().ShouldBe("urn:portal:problem:billing-not-configured");
        (await ProblemAsync(await owner.Client.PostAsync("/api/v1/billing/portal", null), 503))
            .GetProperty("type").GetString().ShouldBe("urn:portal:problem:billing-not-configured");
        (await ProblemAsync(await owner.Client.PostAsJsonAsync("/api/v1/billing/checkout", new { plan = "platinum" }), 400))
            .GetProperty("type").GetString().ShouldBe("urn:portal:problem:validation");
        (await ProblemAsync(await owner.Client.PostAsJsonAsync("/api/v1/billing/checkout", new { plan = "free" }), 400))
            .GetProperty("type").GetString().ShouldBe("urn:portal:problem:plan-not-purchasable");
    }

    [Fact]
    public async Task Checkout_subscribes_the_tenant_with_its_id_and_one_customer_is_created_for_every_request()
    {
        var owner = await _app.RegisterAsync();
        var urls = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            var response = await owner.Client.PostAsJsonAsync("/api/v1/billing/checkout", new { plan = "pro" });
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
            return JsonDocument.Parse(body).RootElement.GetProperty("url").GetString()!;
        }));
        urls.ShouldAllBe(u => u.StartsWith("https://checkout.stripe.com/c/pay/cs_test_"));
        var portal = await owner.Client.PostAsync("/api/v1/billing/portal", null);
        (await portal.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString().ShouldStartWith("https://billing.stripe.com/p/session/");

        var customers = _stripe.RequestsTo("/v1/customers").Where(r => r.Form.GetValueOrDefault("metadata[tenant_id]") == owner.TenantId.ToString()).ToList();
        customers.Count.ShouldBe(1, "concurrent first requests wait on the tenant's billing row, so one creates the customer");
        customers[0].IdempotencyKey.ShouldBe($"portal-customer-{owner.TenantId}");
        var customerId = await shared.Database.AdminScalarAsync<string>($"SELECT stripe_customer_id FROM tenant_billing WHERE tenant_id = '{owner.TenantId}'");
        var sessions = _stripe.RequestsTo("/v1/checkout/sessions").Where(r => r.Form.GetValueOrDefault("client_reference_id") == owner.TenantId.ToString()).ToList();
        sessions.Count.ShouldBe(4);
        foreach (var session in sessions)
        {
            session.Form["mode"].ShouldBe("subscription");
            session.Form["customer"].ShouldBe(customerId);
            session.Form["line_items[0][price]"].ShouldBe("price_portal_pro_monthly");
            session.Form["subscription_data[metadata][tenant_id]"].ShouldBe(owner.TenantId.ToString());
            session.Form["success_url"].ShouldEndWith("/billing?checkout=success");
            session.Authorization.ShouldBe("Bearer sk_test_portal_standin");
        }
        _stripe.RequestsTo("/v1/billing_portal/sessions").Last().Form["customer"].ShouldBe(customerId);
    }

    [Fact]
    public async Task A_signed_subscription_event_changes_the_plan_and_twenty_concurrent_replays_apply_it_once()
    {
        var owner = await _app.RegisterAsync();
        var now = DateTimeOffset.UtcNow;
        var subscription = StripeStandIn.Subscription("sub_" + Guid.NewGuid().ToString("N")[..10], "cus_" + Guid.NewGuid().ToString("N")[..10],
            "active", "price_portal_business_monthly", owner.TenantId, now.AddDays(-1), now.AddDays(29));
        var payload = StripeStandIn.Event("evt_" + Guid.NewGuid().ToString("N"), "customer.subscription.created", subscription, now);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => SendSignedAsync(_app, payload)));
        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        var outcomes = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString()));
        outcomes.Count(o => o == "applied").ShouldBe(1);
        outcomes.Count(o => o == "replay").ShouldBe(19);
        (await shared.Database.AdminScalarAsync<long>(
            $"SELECT count(*) FROM audit_log WHERE tenant_id = '{owner.TenantId}' AND action = 'billing.subscription-changed'")).ShouldBe(1);

        var billing = await BillingAsync(owner);
        billing.GetProperty("plan").GetString().ShouldBe("business");
        billing.GetProperty("status").GetString().ShouldBe("active");
        billing.GetProperty("limits").GetProperty("knowledgeBases").GetInt64().ShouldBe(100);
        billing.GetProperty("currentPeriodEnd").GetDateTimeOffset().ToUnixTimeSeconds().ShouldBe(now.AddDays(29).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task An_older_event_arriving_after_a_newer_one_does_not_revert_the_plan()
    {
        var owner = await _app.RegisterAsync();
        var (id, customer, now) = ("sub_" + Guid.NewGuid().ToString("N")[..10], "cus_" + Guid.NewGuid().ToString("N")[..10], DateTimeOffset.UtcNow);
        var newer = StripeStandIn.Event("evt_new" + Guid.NewGuid().ToString("N"), "customer.subscription.updated",
            StripeStandIn.Subscription(id, customer, "active", "price_portal_business_monthly", owner.TenantId, now, now.AddDays(30)), now);
        var older = StripeStandIn.Event("evt_old" + Guid.NewGuid().ToString("N"), "customer.subscription.updated",
            StripeStandIn.Subscription(id, customer, "active", "price_portal_pro_monthly", owner.TenantId, now, now.AddDays(30)), now.AddMinutes(-5));
        (await SendSignedAsync(_app, newer)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var stale = await SendSignedAsync(_app, older);
        (await stale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString().ShouldBe("stale");
        (await BillingAsync(owner)).GetProperty("plan").GetString().ShouldBe("business");

        // The subscription ends: the tenant falls back to free; a later update of it cannot bring the plan back.
        var deleted = StripeStandIn.Event("evt_del" + Guid.NewGuid().ToString("N"), "customer.subscription.deleted",
            StripeStandIn.Subscription(id, customer, "canceled", "price_portal_business_monthly", null, now, now.AddDays(30)), now.AddMinutes(1));
        (await SendSignedAsync(_app, deleted)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await SendSignedAsync(_app, StripeStandIn.Event("evt_late" + Guid.NewGuid().ToString("N"), "customer.subscription.updated",
            StripeStandIn.Subscription(id, customer, "active", "price_portal_business_monthly", owner.TenantId, now, now.AddDays(30)), now.AddSeconds(30))))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var billing = await BillingAsync(owner);
        billing.GetProperty("plan").GetString().ShouldBe("free");
        billing.GetProperty("status").GetString().ShouldBe("canceled");
    }

    [Fact]
    public async Task Bad_and_stale_signatures_get_400_and_apply_nothing()
    {
        var owner = await _app.RegisterAsync();
        var now = DateTimeOffset.UtcNow;
        var eventId = "evt_sig" + Guid.NewGuid().ToString("N");
        var payload = StripeStandIn.Event(eventId, "customer.subscription.created",
            StripeStandIn.Subscription("sub_sig" + Guid.NewGuid().ToString("N")[..8], "cus_sig", "active", "price_portal_pro_monthly", owner.TenantId, now, now.AddDays(30)), now);
        foreach (var signature in new[]
                 {
                     null, "", "t=abc,v1=zz", StripeStandIn.Sign(payload, "whsec_someone_else"),
                     StripeStandIn.Sign(payload, WebhookSecret, now.AddSeconds(-301)), StripeStandIn.Sign(payload + " ", WebhookSecret),
                 })
        {
            var problem = await ProblemAsync(await PostWebhookAsync(_app, payload, signature), 400);
            problem.GetProperty("type").GetString().ShouldBe("urn:portal:problem:invalid-signature");
        }
        (await shared.Database.AdminScalarAsync<long>($"SELECT count(*) FROM stripe_events WHERE id = '{eventId}'")).ShouldBe(0);
        (await BillingAsync(owner)).GetProperty("plan").GetString().ShouldBe("free");

        // Signed within the tolerance, a few seconds old, it is accepted; other event types are acknowledged and ignored.
        (await PostWebhookAsync(_app, payload, StripeStandIn.Sign(payload, WebhookSecret, now.AddSeconds(-30)))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await BillingAsync(owner)).GetProperty("plan").GetString().ShouldBe("pro");
        var unknown = await SendSignedAsync(_app, StripeStandIn.Event("evt_unk" + Guid.NewGuid().ToString("N"), "charge.refunded", new JsonObject { ["id"] = "ch_1", ["object"] = "charge" }, now));
        (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString().ShouldBe("ignored");
        var otherTrain = StripeStandIn.Event("evt_ver" + Guid.NewGuid().ToString("N"), "customer.subscription.created",
            StripeStandIn.Subscription("sub_v", "cus_v", "active", "price_portal_pro_monthly", owner.TenantId, now, now.AddDays(30)), now, apiVersion: "2020-08-27");
        (await ProblemAsync(await SendSignedAsync(_app, otherTrain), 400)).GetProperty("type").GetString().ShouldBe("urn:portal:problem:unsupported-api-version");
    }

    [Fact]
    public async Task Past_due_keeps_the_plan_for_the_grace_period_then_the_tenant_is_read_only_and_a_paid_invoice_restores_it()
    {
        var owner = await _app.RegisterAsync();
        var kb = await DocumentApi.CreateKnowledgeBaseAsync(owner.Client);
        var (id, customer, now) = ("sub_pd" + Guid.NewGuid().ToString("N")[..8], "cus_pd" + Guid.NewGuid().ToString("N")[..8], DateTimeOffset.UtcNow);
        JsonObject Sub(string status) => StripeStandIn.Subscription(id, customer, status, "price_portal_pro_monthly", owner.TenantId, now.AddDays(-20), now.AddDays(10));
        (await SendSignedAsync(_app, StripeStandIn.Event("evt_a" + Guid.NewGuid().ToString("N"), "customer.subscription.created", Sub("active"), now.AddDays(-20)))).EnsureSuccessStatusCode();
        var invoice = new JsonObject
        {
            ["id"] = "in_" + Guid.NewGuid().ToString("N")[..10], ["object"] = "invoice", ["customer"] = customer, ["amount_due"] = 5900, ["currency"] = "usd",
            ["created"] = now.AddDays(-2).ToUnixTimeSeconds(), ["status"] = "open", ["hosted_invoice_url"] = "https://invoice.stripe.com/i/test",
        };
        (await SendSignedAsync(_app, StripeStandIn.Event("evt_f" + Guid.NewGuid().ToString("N"), "invoice.payment_failed", invoice, now.AddDays(-2)))).EnsureSuccessStatusCode();
        // Past due for two days: within the seven-day grace the plan's limits still apply.
        (await SendSignedAsync(_app, StripeStandIn.Event("evt_p" + Guid.NewGuid().ToString("N"), "customer.subscription.updated", Sub("past_due"), now.AddDays(-2)))).EnsureSuccessStatusCode();
        var grace = await BillingAsync(owner);
        grace.GetProperty("status").GetString().ShouldBe("past_due");
        grace.GetProperty("readOnly").GetBoolean().ShouldBeFalse();
        grace.GetProperty("paymentFailed").GetBoolean().ShouldBeTrue();
        (await owner.Client.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "in grace" })).StatusCode.ShouldBe(HttpStatusCode.Created);

        // The grace period ends (the past-due state began eight days ago): nothing new is added, everything is still read.
        await shared.Database.AdminScalarAsync<int>($"UPDATE tenant_billing SET past_due_since = now() - interval '8 days' WHERE tenant_id = '{owner.TenantId}'; SELECT 1");
        (await BillingAsync(owner)).GetProperty("readOnly").GetBoolean().ShouldBeTrue();
        var refused = await ProblemAsync(await owner.Client.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "read-only" }), 402);
        refused.GetProperty("type").GetString().ShouldBe("urn:portal:problem:quota-exceeded");
        refused.GetProperty("reason").GetString().ShouldBe("payment-overdue");
        (await ProblemAsync(await DocumentApi.UploadAsync(owner.Client, kb, ("x.txt", "Read-only tenants add nothing."u8.ToArray())), 402))
            .GetProperty("resource").GetString().ShouldBe("documents");
        (await owner.Client.GetAsync("/api/v1/knowledge-bases")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await owner.Client.DeleteAsync($"/api/v1/knowledge-bases/{kb}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        invoice["status"] = "paid";
        (await SendSignedAsync(_app, StripeStandIn.Event("evt_i" + Guid.NewGuid().ToString("N"), "invoice.paid", invoice, now.AddMinutes(-1)))).EnsureSuccessStatusCode();
        (await SendSignedAsync(_app, StripeStandIn.Event("evt_r" + Guid.NewGuid().ToString("N"), "customer.subscription.updated", Sub("active"), now))).EnsureSuccessStatusCode();
        var restored = await BillingAsync(owner);
        restored.GetProperty("readOnly").GetBoolean().ShouldBeFalse();
        restored.GetProperty("paymentFailed").GetBoolean().ShouldBeFalse();
        restored.GetProperty("invoices")[0].GetProperty("status").GetString().ShouldBe("paid");
        (await owner.Client.PostAsJsonAsync("/api/v1/knowledge-bases", new { name = "paid again" })).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_completed_checkout_reads_its_subscription_from_stripe()
    {
        var owner = await _app.RegisterAsync();
        var now = DateTimeOffset.UtcNow;
        var subscriptionId = "sub_co" + Guid.NewGuid().ToString("N")[..8];
        var customer = "cus_co" + Guid.NewGuid().ToString("N")[..8];
        _stripe.SetSubscription(StripeStandIn.Subscription(subscriptionId, customer, "trialing", "price_portal_pro_monthly", owner.TenantId, now, now.AddDays(14)));
        var session = new JsonObject
        {
            ["id"] = "cs_test_" + Guid.NewGuid().ToString("N")[..10], ["object"] = "checkout.session", ["mode"] = "subscription",
            ["client_reference_id"] = owner.TenantId.ToString(), ["customer"] = customer, ["subscription"] = subscriptionId, ["status"] = "complete",
        };
        (await SendSignedAsync(_app, StripeStandIn.Event("evt_co" + Guid.NewGuid().ToString("N"), "checkout.session.completed", session, now))).EnsureSuccessStatusCode();
        var billing = await BillingAsync(owner);
        billing.GetProperty("plan").GetString().ShouldBe("pro");
        billing.GetProperty("status").GetString().ShouldBe("trialing");
        _stripe.RequestsTo("/v1/subscriptions/" + subscriptionId).Count().ShouldBe(1);
        (await shared.Database.AdminScalarAsync<string>($"SELECT stripe_customer_id FROM tenant_billing WHERE tenant_id = '{owner.TenantId}'")).ShouldBe(customer);
    }

    [Fact]
    public async Task Meter_events_are_sent_once_each_across_a_dropped_response_and_a_failed_run()
    {
        var owner = await _app.RegisterAsync();
        var portal = await owner.Client.PostAsync("/api/v1/billing/portal", null); // creates the Stripe customer
        portal.StatusCode.ShouldBe(HttpStatusCode.OK, await portal.Content.ReadAsStringAsync());
        await SetPlanAsync(_app, owner.TenantId, "tiny");
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(owner.TenantId, TenantRole.Owner, "test");
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            await using var tx = await db.BeginTenantTransactionAsync(owner.TenantId, CancellationToken.None);
            var quotas = scope.ServiceProvider.GetRequiredService<Quotas>();
            await quotas.RecordGpuMinutesAsync("fine-tune:one", 3.5, CancellationToken.None);
            await quotas.RecordGpuMinutesAsync("evaluation:two", 1.25, CancellationToken.None);
            await tx.CommitAsync();
        }
        var job = _app.Services.GetRequiredService<ReportMeteredUsageJob>();
        var ids = await UsageIdsAsync(owner.TenantId);

        _stripe.DropNextMeterEventResponses = 1;
        await job.RunAsync(CancellationToken.None);
        (await UnreportedAsync(owner.TenantId)).ShouldBe(0);
        var sent = _stripe.RequestsTo("/v1/billing/meter_events").Where(r => ids.Contains(r.Form["identifier"])).ToList();
        sent.Count.ShouldBeGreaterThan(ids.Count, "the dropped response was retried");
        sent.GroupBy(r => r.Form["identifier"]).ShouldAllBe(g => g.Select(r => r.IdempotencyKey).Distinct().Count() == 1);
        ids.ShouldAllBe(id => _stripe.MeterEvents.ContainsKey(id));
        _stripe.MeterEvents[ids[0]]["event_name"].ShouldBe("portal_gpu_minutes");
        _stripe.MeterEvents[ids[0]]["payload[value]"].ShouldBe("3.500");
        _stripe.MeterEvents[ids[0]]["payload[stripe_customer_id]"].ShouldStartWith("cus_standin");

        // Stripe fails every attempt of a run: the row stays unreported, and the next run reports it once.
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(owner.TenantId, TenantRole.Owner, "test");
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            await using var tx = await db.BeginTenantTransactionAsync(owner.TenantId, CancellationToken.None);
            await scope.ServiceProvider.GetRequiredService<Quotas>().RecordGpuMinutesAsync("fine-tune:three", 2, CancellationToken.None);
            await tx.CommitAsync();
        }
        var third = (await UsageIdsAsync(owner.TenantId)).Except(ids).Single();
        _stripe.FailNextMeterEvents = 3;
        await job.RunAsync(CancellationToken.None);
        (await UnreportedAsync(owner.TenantId)).ShouldBe(1);
        _stripe.MeterEvents.ContainsKey(third).ShouldBeFalse();
        await job.RunAsync(CancellationToken.None);
        (await UnreportedAsync(owner.TenantId)).ShouldBe(0);
        _stripe.MeterEvents.Keys.Count(k => k == third).ShouldBe(1);
        (await shared.Database.AdminScalarAsync<int>($"SELECT report_attempts FROM metered_usage WHERE id = '{third}'")).ShouldBe(2);
    }

    private async Task<List<string>> UsageIdsAsync(Guid tenantId)
    {
        var joined = await shared.Database.AdminScalarAsync<string>(
            $"SELECT string_agg(id::text, ',' ORDER BY occurred_at) FROM metered_usage WHERE tenant_id = '{tenantId}'");
        return joined.Split(',').ToList();
    }

    private Task<long> UnreportedAsync(Guid tenantId) =>
        shared.Database.AdminScalarAsync<long>($"SELECT count(*) FROM metered_usage WHERE tenant_id = '{tenantId}' AND reported_at IS NULL");
}
