using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portal.IntegrationTests.Infrastructure;

namespace Portal.IntegrationTests.Billing;

/// <summary>
/// The app with Stripe pointed at a local stand-in, and a small plan (<c>tiny</c>) that tests put tenants on to reach
/// limits quickly. The webhook secret is the development one from appsettings.json.
/// </summary>
internal static class BillingFixture
{
    public const string WebhookSecret = "whsec_portal_development_only_not_for_production";
    public const string TinyPrice = "price_tiny_monthly";

    public static Dictionary<string, string?> Settings(StripeStandIn? stripe, Dictionary<string, string?>? tiny = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Billing:Plans:tiny:Name"] = "Tiny",
            ["Billing:Plans:tiny:PriceMonthly"] = "1",
            ["Billing:Plans:tiny:StripePriceId"] = TinyPrice,
            ["Billing:Plans:tiny:Limits:KnowledgeBases"] = "2",
            ["Billing:Plans:tiny:Limits:Documents"] = "3",
            ["Billing:Plans:tiny:Limits:StorageBytes"] = "100000",
            ["Billing:Plans:tiny:Limits:QuestionsPerMonth"] = "2",
            ["Billing:Plans:tiny:Limits:WidgetQuestionsPerDay"] = "1",
            ["Billing:Plans:tiny:Limits:GpuMinutesPerMonth"] = "10",
            ["Billing:Plans:tiny:Limits:Members"] = "2",
            ["Billing:GraceDays"] = "7",
        };
        if (stripe is not null)
        {
            settings["Billing:Stripe:SecretKey"] = "sk_test_portal_standin";
            settings["Billing:Stripe:ApiBase"] = stripe.Url;
        }
        foreach (var (k, v) in tiny ?? []) settings["Billing:Plans:tiny:" + k] = v;
        return settings;
    }

    /// <summary>Puts a tenant on a plan directly (as <c>./portal admin set-plan</c> does), bypassing Stripe.</summary>
    public static Task SetPlanAsync(PortalApp app, Guid tenantId, string plan, string status = "active") =>
        app.Database.AdminScalarAsync<int>($"""
            INSERT INTO tenant_billing (tenant_id, plan, status) VALUES ('{tenantId}', '{plan}', '{status}')
            ON CONFLICT (tenant_id) DO UPDATE SET plan = EXCLUDED.plan, status = EXCLUDED.status;
            SELECT 1
            """);

    public static async Task<HttpResponseMessage> PostWebhookAsync(PortalApp app, string payload, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/billing/stripe/webhook")
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        if (signature is not null) request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        return await app.CreateClient().SendAsync(request);
    }

    public static Task<HttpResponseMessage> SendSignedAsync(PortalApp app, string payload) =>
        PostWebhookAsync(app, payload, StripeStandIn.Sign(payload, WebhookSecret));

    public static async Task<JsonElement> BillingAsync(Account owner) =>
        await owner.Client.GetFromJsonAsync<JsonElement>("/api/v1/billing");

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, int status)
    {
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, body);
        return JsonDocument.Parse(body).RootElement;
    }

    public static async Task ShouldBeQuotaExceededAsync(HttpResponseMessage response, string resource, long limit, long used)
    {
        var problem = await ProblemAsync(response, 402);
        problem.GetProperty("type").GetString().ShouldBe("urn:portal:problem:quota-exceeded");
        problem.GetProperty("resource").GetString().ShouldBe(resource);
        problem.GetProperty("limit").GetInt64().ShouldBe(limit);
        problem.GetProperty("used").GetInt64().ShouldBe(used);
    }
}
