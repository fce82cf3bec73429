using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Auditing;
using Portal.Data;
using Portal.Tenancy;
using Stripe;
using Stripe.Checkout;

namespace Portal.Billing;

/// <summary>
/// Starts a Checkout Session for a plan, or a Customer Portal session. Each tenant has one Stripe customer, created the
/// first time it is needed: the tenant's billing row is locked while it is created, and the create call carries an
/// idempotency key derived from the tenant, so concurrent first requests still create one.
/// </summary>
public sealed class BillingCheckout(PortalDbContext db, TenantContext tenant, StripeAccount stripe, AuditLog audit,
    IOptionsMonitor<BillingOptions> options)
{
    public const string TenantMetadataKey = "tenant_id";
    public const string PlanMetadataKey = "plan";

    /// <summary>Validates the plan before anything else, so a bad request is a 400 whether or not Stripe is configured.</summary>
    public static PlanOptions PurchasablePlan(BillingOptions options, string? planId)
    {
        if (string.IsNullOrWhiteSpace(planId) || !options.Plans.TryGetValue(planId, out var plan))
            throw new PortalException("validation",
                $"'plan' must be one of: {string.Join(", ", options.Plans.Keys.Order(StringComparer.Ordinal))}.");
        if (string.IsNullOrWhiteSpace(plan.StripePriceId))
            throw new PortalException("plan-not-purchasable", $"The plan '{planId}' is not sold through checkout.", 400);
        return plan;
    }

    public async Task<string> CheckoutUrlAsync(string? planId, string returnBase, CancellationToken ct)
    {
        var plan = PurchasablePlan(options.CurrentValue, planId);
        var client = stripe.Client();
        var customer = await CustomerAsync(client, ct);
        var tenantId = tenant.RequiredTenantId.ToString();
        var session = await client.V1.Checkout.Sessions.CreateAsync(new SessionCreateOptions
        {
            Mode = "subscription",
            Customer = customer,
            ClientReferenceId = tenantId,
            LineItems = [new SessionLineItemOptions { Price = plan.StripePriceId, Quantity = 1 }],
            Metadata = new Dictionary<string, string> { [TenantMetadataKey] = tenantId, [PlanMetadataKey] = planId! },
            SubscriptionData = new SessionSubscriptionDataOptions
            {
                Metadata = new Dictionary<string, string> { [TenantMetadataKey] = tenantId, [PlanMetadataKey] = planId! },
            },
            SuccessUrl = ReturnUrl(returnBase) + "?checkout=success",
            CancelUrl = ReturnUrl(returnBase) + "?checkout=canceled",
        }, cancellationToken: ct);
        return session.Url ?? throw new StripeException("Stripe returned a Checkout Session without a URL.");
    }

    public async Task<string> PortalUrlAsync(string returnBase, CancellationToken ct)
    {
        var client = stripe.Client();
        var customer = await CustomerAsync(client, ct);
        var session = await client.V1.BillingPortal.Sessions.CreateAsync(
            new Stripe.BillingPortal.SessionCreateOptions { Customer = customer, ReturnUrl = ReturnUrl(returnBase) }, cancellationToken: ct);
        return session.Url ?? throw new StripeException("Stripe returned a portal session without a URL.");
    }

    private string ReturnUrl(string returnBase) =>
        options.CurrentValue.Stripe.ReturnUrl is { Length: > 0 } configured ? configured.TrimEnd('/') : returnBase.TrimEnd('/') + "/billing";

    /// <summary>The tenant's Stripe customer id, creating the customer once (in the caller's transaction, if one is open).</summary>
    private async Task<string> CustomerAsync(StripeClient client, CancellationToken ct)
    {
        var tenantId = tenant.RequiredTenantId;
        var own = db.Database.CurrentTransaction is null ? await db.BeginTenantTransactionAsync(tenantId, ct) : null;
        try
        {
            await db.Database.ExecuteSqlAsync($"INSERT INTO tenant_billing (tenant_id) VALUES ({tenantId}) ON CONFLICT (tenant_id) DO NOTHING", ct);
            var row = await db.TenantBilling.FromSql($"SELECT * FROM tenant_billing WHERE tenant_id = {tenantId} FOR UPDATE").SingleAsync(ct);
            if (row.StripeCustomerId is { } existing) return existing;
            var name = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.Name).SingleAsync(ct);
            var customer = await client.V1.Customers.CreateAsync(new CustomerCreateOptions
            {
                Name = name,
                Metadata = new Dictionary<string, string> { [TenantMetadataKey] = tenantId.ToString() },
            }, new RequestOptions { IdempotencyKey = $"portal-customer-{tenantId}" }, ct);
            row.StripeCustomerId = customer.Id;
            row.UpdatedAt = DateTimeOffset.UtcNow;
            audit.Record("billing.customer-created", customer.Id);
            await db.SaveChangesAsync(ct);
            if (own is not null) await own.CommitAsync(ct);
            return customer.Id;
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
    }
}
