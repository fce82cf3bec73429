using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Auditing;
using Portal.Data;
using Portal.Tenancy;
using Stripe;
using Stripe.Checkout;

namespace Portal.Billing;

public enum WebhookOutcome { Applied, Replay, Stale, Ignored }

/// <summary>
/// Applies Stripe webhook events: verify the signature, check the API version, find the tenant, then apply by type.
/// Each event id is recorded once, in the transaction that applies it, so a replay (or twenty at once) applies nothing.
/// Subscription state converges under reordering: the row keeps the state of the newest event (by Stripe's
/// <c>created</c>), and with a secret key a completed checkout re-reads its subscription from Stripe.
/// The tenant is found only through <c>billing_event_tenant</c>, a narrow SECURITY DEFINER lookup.
/// </summary>
public sealed partial class StripeWebhooks(PortalDbContext db, TenantContext tenant, AuditLog audit, StripeAccount stripe,
    IOptionsMonitor<BillingOptions> options, ILogger<StripeWebhooks> logger)
{
    public const string Actor = "stripe:webhook";

    public static readonly IReadOnlySet<string> HandledTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        EventTypes.CheckoutSessionCompleted, EventTypes.CustomerSubscriptionCreated, EventTypes.CustomerSubscriptionUpdated,
        EventTypes.CustomerSubscriptionDeleted, EventTypes.InvoicePaid, EventTypes.InvoicePaymentFailed,
    };

    /// <summary>Verifies and parses an event: 400 invalid-signature, invalid-event or unsupported-api-version.</summary>
    public Event Verify(string json, string? signature)
    {
        var stripeOptions = options.CurrentValue.Stripe;
        if (string.IsNullOrWhiteSpace(stripeOptions.WebhookSecret))
            throw new PortalException("billing-not-configured", "Billing:Stripe:WebhookSecret is not configured on this server.", 503);
        try
        {
            EventUtility.ValidateSignature(json, signature ?? "", stripeOptions.WebhookSecret, stripeOptions.WebhookToleranceSeconds);
        }
        catch (Exception e) when (e is StripeException or FormatException or OverflowException or KeyNotFoundException)
        {
            throw new PortalException("invalid-signature", "The Stripe-Signature header is missing, does not match, or is too old.");
        }
        Event parsed;
        try
        {
            parsed = EventUtility.ParseEvent(json, throwOnApiVersionMismatch: false);
        }
        catch (Exception e) when (e is StripeException or System.Text.Json.JsonException or Newtonsoft.Json.JsonException or ArgumentException)
        {
            throw new PortalException("invalid-event", "The body is not a Stripe event.");
        }
        if (string.IsNullOrEmpty(parsed.Id) || string.IsNullOrEmpty(parsed.Type))
            throw new PortalException("invalid-event", "The body is not a Stripe event (no id or type).");
        if (!string.IsNullOrEmpty(parsed.ApiVersion) && !EventUtility.IsCompatibleApiVersion(parsed.ApiVersion))
            throw new PortalException("unsupported-api-version",
                $"The event has API version {parsed.ApiVersion}; this server reads {StripeAccount.ApiVersion}. Create the webhook endpoint with that version.");
        return parsed;
    }

    public async Task<WebhookOutcome> ApplyAsync(Event e, CancellationToken ct)
    {
        if (!HandledTypes.Contains(e.Type)) return WebhookOutcome.Ignored;
        var (tenantHint, customerId) = Owner(e.Data.Object);
        var tenantId = await db.Database.SqlQuery<Guid?>($"SELECT billing_event_tenant({tenantHint}, {customerId}) AS \"Value\"")
            .SingleAsync(ct);
        if (tenantId is not { } id)
        {
            LogNoTenant(e.Id, e.Type);
            return WebhookOutcome.Ignored;
        }
        tenant.Set(id, TenantRole.Owner, Actor);
        var created = new DateTimeOffset(DateTime.SpecifyKind(e.Created, DateTimeKind.Utc));

        // Read before the transaction: with a secret key, a completed checkout re-reads its subscription from Stripe.
        Subscription? fetched = null;
        if (e.Data.Object is Session { SubscriptionId: { Length: > 0 } subscriptionId } && stripe.IsConfigured)
        {
            try { fetched = await stripe.Client().V1.Subscriptions.GetAsync(subscriptionId, cancellationToken: ct); }
            catch (StripeException failure) { LogFetchFailed(failure, subscriptionId); }
        }

        await using var tx = await db.BeginTenantTransactionAsync(id, ct);
        var first = await db.Database.SqlQuery<bool>(
            $"SELECT billing_record_event({e.Id}, {e.Type}, {created}, {id}) AS \"Value\"").SingleAsync(ct);
        if (!first) return WebhookOutcome.Replay;

        await db.Database.ExecuteSqlAsync($"INSERT INTO tenant_billing (tenant_id) VALUES ({id}) ON CONFLICT (tenant_id) DO NOTHING", ct);
        var row = await db.TenantBilling.FromSql($"SELECT * FROM tenant_billing WHERE tenant_id = {id} FOR UPDATE").SingleAsync(ct);
        var outcome = e.Data.Object switch
        {
            Session session => ApplyCheckout(row, session, fetched, created, e.Id),
            Subscription subscription => ApplySubscription(row, subscription, created, e.Id, deleted: e.Type == EventTypes.CustomerSubscriptionDeleted),
            Invoice invoice => await ApplyInvoiceAsync(row, invoice, created, e.Type == EventTypes.InvoicePaid, e.Id, ct),
            _ => WebhookOutcome.Ignored,
        };
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return outcome;
    }

    private static (Guid? Tenant, string? Customer) Owner(IHasObject? data) => data switch
    {
        Session s => (TenantIn(s.ClientReferenceId) ?? TenantIn(s.Metadata), s.CustomerId),
        Subscription s => (TenantIn(s.Metadata), s.CustomerId),
        Invoice i => (TenantIn(i.Parent?.SubscriptionDetails?.Metadata), i.CustomerId),
        _ => (null, null),
    };

    private static Guid? TenantIn(string? value) => Guid.TryParse(value, out var id) ? id : null;

    private static Guid? TenantIn(IDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(BillingCheckout.TenantMetadataKey, out var value) ? TenantIn(value) : null;

    private WebhookOutcome ApplyCheckout(TenantBilling row, Session session, Subscription? fetched, DateTimeOffset created, string eventId)
    {
        if (session.CustomerId is { Length: > 0 } customer && row.StripeCustomerId is null) row.StripeCustomerId = customer;
        if ((fetched ?? session.Subscription) is { } subscription) return ApplySubscription(row, subscription, created, eventId, deleted: false);
        // Without a way to read the subscription, the session says which plan was bought; its subscription events follow.
        if (row.StateEventAt is not null || session.SubscriptionId is not { Length: > 0 }) return WebhookOutcome.Stale;
        var plan = session.Metadata?.GetValueOrDefault(BillingCheckout.PlanMetadataKey);
        return Change(row, created, eventId, session.SubscriptionId, PlanIdOrCurrent(row, plan), SubscriptionStatuses.Active, row.CurrentPeriodStart,
            row.CurrentPeriodEnd, row.CancelAtPeriodEnd);
    }

    private WebhookOutcome ApplySubscription(TenantBilling row, Subscription subscription, DateTimeOffset created, string eventId, bool deleted)
    {
        var status = deleted ? SubscriptionStatuses.Canceled
            : SubscriptionStatuses.All.Contains(subscription.Status ?? "") ? subscription.Status! : row.Status;
        var live = status is SubscriptionStatuses.Active or SubscriptionStatuses.Trialing;
        // Another subscription's end does not end the one the tenant holds now; a live new one replaces it.
        if (row.StripeSubscriptionId is { } held && held != subscription.Id && !live) return WebhookOutcome.Stale;
        if (row.StripeSubscriptionId == subscription.Id && row.StateEventAt is { } at && created < at) return WebhookOutcome.Stale;
        var item = subscription.Items?.Data?.FirstOrDefault();
        var plan = status == SubscriptionStatuses.Canceled ? BillingOptions.FreePlan
            : PlanForPrice(item?.Price?.Id) ?? PlanIdOrCurrent(row, subscription.Metadata?.GetValueOrDefault(BillingCheckout.PlanMetadataKey));
        if (subscription.CustomerId is { Length: > 0 } customer && row.StripeCustomerId is null) row.StripeCustomerId = customer;
        return Change(row, created, eventId, subscription.Id, plan, status,
            Utc(item?.CurrentPeriodStart), Utc(item?.CurrentPeriodEnd), subscription.CancelAtPeriodEnd);
    }

    private WebhookOutcome Change(TenantBilling row, DateTimeOffset created, string eventId, string? subscriptionId, string plan, string status,
        DateTimeOffset? periodStart, DateTimeOffset? periodEnd, bool cancelAtPeriodEnd)
    {
        var before = new { plan = row.Plan, status = row.Status };
        if (status == SubscriptionStatuses.PastDue) row.PastDueSince = row.Status == SubscriptionStatuses.PastDue ? row.PastDueSince ?? created : created;
        else row.PastDueSince = null;
        (row.Plan, row.Status, row.StripeSubscriptionId) = (plan, status, subscriptionId ?? row.StripeSubscriptionId);
        (row.CurrentPeriodStart, row.CurrentPeriodEnd, row.CancelAtPeriodEnd) = (periodStart, periodEnd, cancelAtPeriodEnd);
        row.StateEventAt = created;
        row.UpdatedAt = DateTimeOffset.UtcNow;
        audit.Record("billing.subscription-changed", subscriptionId, new
        {
            eventId, from = before, to = new { plan, status }, currentPeriodEnd = periodEnd, cancelAtPeriodEnd,
        });
        return WebhookOutcome.Applied;
    }

    private async Task<WebhookOutcome> ApplyInvoiceAsync(TenantBilling row, Invoice invoice, DateTimeOffset created, bool paid, string eventId,
        CancellationToken ct)
    {
        if (string.IsNullOrEmpty(invoice.Id)) return WebhookOutcome.Ignored;
        var stored = await db.BillingInvoices.SingleOrDefaultAsync(i => i.Id == invoice.Id, ct);
        if (stored is not null && stored.UpdatedAt > created) return WebhookOutcome.Stale;
        if (stored is null)
        {
            stored = new BillingInvoice { Id = invoice.Id, TenantId = row.TenantId, Status = "", CreatedAt = Utc(invoice.Created) ?? created };
            db.BillingInvoices.Add(stored);
        }
        stored.Status = paid ? "paid" : "payment_failed";
        stored.AmountDue = invoice.AmountDue;
        stored.Currency = string.IsNullOrEmpty(invoice.Currency) ? "usd" : invoice.Currency[..Math.Min(10, invoice.Currency.Length)];
        stored.HostedInvoiceUrl = invoice.HostedInvoiceUrl is { Length: <= 2000 } url && url.StartsWith("https://", StringComparison.Ordinal) ? url : null;
        stored.UpdatedAt = created;
        if (paid) { if (row.PaymentFailedAt is { } failed && failed <= created) row.PaymentFailedAt = null; }
        else row.PaymentFailedAt = created;
        row.UpdatedAt = DateTimeOffset.UtcNow;
        audit.Record(paid ? "billing.invoice-paid" : "billing.invoice-payment-failed", invoice.Id, new { eventId, invoice.AmountDue, invoice.Currency });
        return WebhookOutcome.Applied;
    }

    private string? PlanForPrice(string? priceId) => priceId is { Length: > 0 }
        ? options.CurrentValue.Plans.FirstOrDefault(p => p.Value.StripePriceId == priceId).Key
        : null;

    private string PlanIdOrCurrent(TenantBilling row, string? plan) =>
        plan is not null && options.CurrentValue.Plans.ContainsKey(plan) ? plan : row.Plan;

    private static DateTimeOffset? Utc(DateTime? time) =>
        time is { } t && t > DateTime.UnixEpoch ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe event {EventId} ({Type}) names no tenant of this portal; ignored")]
    private partial void LogNoTenant(string eventId, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read subscription {SubscriptionId} from Stripe; its own events will follow")]
    private partial void LogFetchFailed(Exception exception, string subscriptionId);
}
