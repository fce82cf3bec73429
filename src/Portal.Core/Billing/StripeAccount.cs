using Microsoft.Extensions.Options;
using Stripe;

namespace Portal.Billing;

/// <summary>
/// The Stripe account the portal sells through: one <see cref="StripeClient"/> over the configured secret key and API
/// base (<c>Billing:Stripe:ApiBase</c>, so tests can stand a local server in for Stripe). The client's API version is the
/// one this Stripe.net release pins (<see cref="ApiVersion"/>); webhook endpoints must be created with it.
/// </summary>
public sealed class StripeAccount(IOptionsMonitor<BillingOptions> options, IHttpClientFactory httpClients)
{
    public const string HttpClientName = "stripe";

    /// <summary>The Stripe API version of every request and the one webhook endpoints are created with.</summary>
    public static string ApiVersion => StripeConfiguration.ApiVersion;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.CurrentValue.Stripe.SecretKey);

    /// <summary>A client for the current configuration; 503 billing-not-configured without a secret key.</summary>
    public StripeClient Client()
    {
        var stripe = options.CurrentValue.Stripe;
        if (string.IsNullOrWhiteSpace(stripe.SecretKey)) throw NotConfigured();
        var apiBase = string.IsNullOrWhiteSpace(stripe.ApiBase) ? null : stripe.ApiBase.TrimEnd('/');
        return new StripeClient(new StripeClientOptions
        {
            ApiKey = stripe.SecretKey,
            ApiBase = apiBase,
            MeterEventsBase = apiBase,
            // Stripe.net retries network failures and 409/429/5xx with the same idempotency key.
            HttpClient = new SystemNetHttpClient(httpClients.CreateClient(HttpClientName), maxNetworkRetries: 2, appInfo: null,
                enableTelemetry: false),
        });
    }

    public static PortalException NotConfigured() => new("billing-not-configured",
        "Billing is not configured on this server (Billing:Stripe:SecretKey is empty); plans and quotas still apply.", 503);
}
