namespace Portal.Billing;

/// <summary>A tenant's plan and subscription (<c>tenant_billing</c>). A tenant without a row is on the free plan.</summary>
public sealed class TenantBilling
{
    public Guid TenantId { get; set; }
    public string Plan { get; set; } = BillingOptions.FreePlan;
    public string Status { get; set; } = SubscriptionStatuses.Active;
    public string? StripeCustomerId { get; set; }
    public string? StripeSubscriptionId { get; set; }
    public DateTimeOffset? CurrentPeriodStart { get; set; }
    public DateTimeOffset? CurrentPeriodEnd { get; set; }
    public bool CancelAtPeriodEnd { get; set; }
    public DateTimeOffset? PastDueSince { get; set; }
    public DateTimeOffset? PaymentFailedAt { get; set; }
    public DateTimeOffset? StateEventAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class BillingInvoice
{
    public required string Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Status { get; set; }
    public long AmountDue { get; set; }
    public string Currency { get; set; } = "usd";
    public string? HostedInvoiceUrl { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class MeteredUsage
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public required string Meter { get; set; }
    public decimal Quantity { get; set; }
    public string? Source { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset? ReportedAt { get; set; }
    public int ReportAttempts { get; set; }
    public string? LastError { get; set; }
}

public static class Meters
{
    public const string GpuMinutes = "gpuMinutes";
    public const string Questions = "questions";
}

/// <summary>Stripe's subscription statuses, as <c>tenant_billing.status</c> stores them.</summary>
public static class SubscriptionStatuses
{
    public const string Active = "active";
    public const string Trialing = "trialing";
    public const string PastDue = "past_due";
    public const string Canceled = "canceled";
    public const string Unpaid = "unpaid";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
        { Active, Trialing, PastDue, Canceled, Unpaid, "incomplete", "incomplete_expired", "paused" };
}
