using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;

namespace Portal.Billing;

public sealed record PlanView(string Id, string Name, decimal PriceMonthly, string Currency,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? StripePriceId, bool Overage,
    IReadOnlyDictionary<string, long?> Limits);

public sealed record PlansPage(IReadOnlyList<PlanView> Items);

public sealed record InvoiceView(string Id, string Status, long AmountDue, string Currency, string? HostedInvoiceUrl, DateTimeOffset CreatedAt);

/// <summary>
/// <c>GET /api/v1/billing</c>. Without a subscription the period is the calendar month (UTC) that questions and GPU
/// minutes are counted in. A limit of null is unlimited. <c>readOnly</c> is true once a past-due grace period ended.
/// </summary>
public sealed record BillingView(string Plan, string Status, DateTimeOffset CurrentPeriodStart, DateTimeOffset CurrentPeriodEnd,
    bool CancelAtPeriodEnd, IReadOnlyDictionary<string, long> Usage, IReadOnlyDictionary<string, long?> Limits, bool ReadOnly,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? GraceEndsAt, bool PaymentFailed,
    bool StripeConfigured, IReadOnlyList<InvoiceView> Invoices);

public sealed class BillingOverview(PortalDbContext db, Quotas quotas, StripeAccount stripe)
{
    public static PlansPage Plans(BillingOptions options) => new(options.Plans
        .OrderBy(p => p.Value.PriceMonthly).ThenBy(p => p.Key, StringComparer.Ordinal)
        .Select(p => new PlanView(p.Key, p.Value.Name, p.Value.PriceMonthly, p.Value.Currency, p.Value.StripePriceId, p.Value.Overage,
            LimitsOf(p.Value.Limits)))
        .ToList());

    public static IReadOnlyDictionary<string, long?> LimitsOf(PlanLimits limits) =>
        limits.All().ToDictionary(l => l.Resource.Name(), l => l.Limit);

    public async Task<BillingView> GetAsync(CancellationToken ct)
    {
        var state = await quotas.StateAsync(forUpdate: false, ct);
        var usage = await quotas.UsageAsync(state, ct);
        var limits = state.Limits.All().ToDictionary(l => l.Resource.Name(),
            l => l.Resource is QuotaResource.QuestionsPerMonth or QuotaResource.WidgetQuestionsPerDay ? state.QuestionLimits.For(l.Resource) : l.Limit);
        var invoices = await db.BillingInvoices.AsNoTracking().OrderByDescending(i => i.CreatedAt).Take(12)
            .Select(i => new InvoiceView(i.Id, i.Status, i.AmountDue, i.Currency, i.HostedInvoiceUrl, i.CreatedAt)).ToListAsync(ct);
        return new BillingView(state.PlanId, state.Row.Status, state.PeriodStart, state.PeriodEnd, state.Row.CancelAtPeriodEnd,
            usage.ToDictionary(u => u.Key.Name(), u => u.Value), limits, state.ReadOnly, state.GraceEndsAt,
            state.Row.PaymentFailedAt is not null, stripe.IsConfigured, invoices);
    }
}

internal sealed class BillingOptionsValidation : IValidateOptions<BillingOptions>
{
    public ValidateOptionsResult Validate(string? name, BillingOptions options) =>
        options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
