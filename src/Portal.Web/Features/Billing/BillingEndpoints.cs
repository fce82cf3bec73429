using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Portal.Billing;
using Portal.Tenancy;
using Portal.Web.Auth;

namespace Portal.Web.Features.Billing;

public sealed record CheckoutRequest(string? Plan);
public sealed record RedirectUrl(string Url);
public sealed record WebhookReceipt(bool Received, string Outcome);

internal static class BillingEndpoints
{
    /// <summary>Stripe's events are a few kilobytes; a larger body is refused before it is read.</summary>
    private const long MaxWebhookBytes = 512 * 1024;

    public static IEndpointRouteBuilder MapBillingEndpoints(this IEndpointRouteBuilder app)
    {
        var billing = app.MapGroup("/api/v1/billing").WithTags("Billing");
        billing.MapGet("/plans", (IOptionsMonitor<BillingOptions> options) => TypedResults.Ok(BillingOverview.Plans(options.CurrentValue)))
            .AllowAnonymous()
            .WithSummary("The plans on sale, with their monthly price and limits (a null limit is unlimited).");
        billing.MapGet("", async (BillingOverview overview, CancellationToken ct) => TypedResults.Ok(await overview.GetAsync(ct)))
            .RequireAuthorization(PortalPolicies.TenantAdmin).AddEndpointFilter<TenantScope>()
            .WithSummary("The tenant's plan, subscription status and period, usage against each limit, and recent invoices (Owner/Admin).");
        billing.MapPost("/checkout", CheckoutAsync).RequireAuthorization(PortalPolicies.TenantAdmin)
            .WithSummary("Starts a Stripe Checkout Session that subscribes the tenant to a plan; redirect the person to the returned url.")
            .WithDescription("Owner/Admin. 400 for an unknown plan or one not sold through checkout; 503 billing-not-configured "
                + "without Billing:Stripe:SecretKey. The tenant's Stripe customer is created on first use, once.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        billing.MapPost("/portal", PortalAsync).RequireAuthorization(PortalPolicies.TenantAdmin)
            .WithSummary("Opens Stripe's Customer Portal for the tenant (payment methods, invoices, cancellation); redirect to the returned url.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        billing.MapPost("/stripe/webhook", WebhookAsync).AllowAnonymous().DisableAntiforgery()
            .WithSummary("Stripe's webhook: signed events (Stripe-Signature) are applied once each.")
            .WithDescription($"Create the endpoint in Stripe with API version {StripeAccount.ApiVersion}. Handles checkout.session.completed, "
                + "customer.subscription.created|updated|deleted, invoice.paid and invoice.payment_failed; other types are acknowledged and "
                + "ignored. 400 invalid-signature for a bad or stale signature (older than 300 s); a replayed event is 200 and changes nothing.")
            .Accepts<string>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<Ok<RedirectUrl>> CheckoutAsync(CheckoutRequest request, HttpContext http, TenantContext tenant,
        IOptionsMonitor<BillingOptions> options, StripeAccount stripe, BillingCheckout checkout, CancellationToken ct)
    {
        await TenantScope.ResolveAsync(http, tenant);
        BillingCheckout.PurchasablePlan(options.CurrentValue, request.Plan);
        if (!stripe.IsConfigured) throw StripeAccount.NotConfigured();
        return TypedResults.Ok(new RedirectUrl(await StripeCallAsync(() => checkout.CheckoutUrlAsync(request.Plan, BaseUrl(http), ct))));
    }

    private static async Task<Ok<RedirectUrl>> PortalAsync(HttpContext http, TenantContext tenant, StripeAccount stripe,
        BillingCheckout checkout, CancellationToken ct)
    {
        await TenantScope.ResolveAsync(http, tenant);
        if (!stripe.IsConfigured) throw StripeAccount.NotConfigured();
        return TypedResults.Ok(new RedirectUrl(await StripeCallAsync(() => checkout.PortalUrlAsync(BaseUrl(http), ct))));
    }

    private static async Task<Ok<WebhookReceipt>> WebhookAsync(HttpContext http, StripeWebhooks webhooks, CancellationToken ct)
    {
        if (http.Request.ContentLength > MaxWebhookBytes) throw Hosting.RequestBodyLimit.TooLarge();
        string json;
        using (var reader = new StreamReader(http.Request.Body, new UTF8Encoding(false, throwOnInvalidBytes: true)))
        {
            var buffer = new char[MaxWebhookBytes + 1];
            var read = 0;
            try
            {
                int n;
                while (read < buffer.Length && (n = await reader.ReadAsync(buffer.AsMemory(read), ct)) > 0) read += n;
            }
            catch (DecoderFallbackException) { throw new PortalException("invalid-event", "The body is not UTF-8."); }
            if (read > MaxWebhookBytes) throw Hosting.RequestBodyLimit.TooLarge();
            json = new string(buffer, 0, read);
        }
        var stripeEvent = webhooks.Verify(json, http.Request.Headers["Stripe-Signature"].ToString());
        var outcome = await webhooks.ApplyAsync(stripeEvent, ct);
        return TypedResults.Ok(new WebhookReceipt(true, outcome.ToString().ToLowerInvariant()));
    }

    /// <summary>Stripe refusing or unreachable is a 502 that says so, not a server error of the portal's own.</summary>
    private static async Task<string> StripeCallAsync(Func<Task<string>> call)
    {
        try { return await call(); }
        catch (Stripe.StripeException e)
        {
            throw new PortalException("billing-provider-error", $"Stripe did not complete the request: {e.StripeError?.Message ?? e.Message}", 502);
        }
        catch (HttpRequestException)
        {
            throw new PortalException("billing-provider-error", "Stripe could not be reached; try again shortly.", 502);
        }
    }

    private static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}";
}
