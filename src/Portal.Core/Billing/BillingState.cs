namespace Portal.Billing;

/// <summary>
/// What a tenant's billing row means now: the plan whose limits apply, and whether the tenant is read-only.
/// <list type="bullet">
/// <item><c>active</c> and <c>trialing</c> use the plan's limits.</item>
/// <item><c>past_due</c> keeps them for <see cref="BillingOptions.GraceDays"/>, then the tenant is read-only: it keeps, reads
/// and deletes what it holds but adds nothing, and its questions fall back to the free plan's allowance.</item>
/// <item><c>unpaid</c> is read-only at once; <c>canceled</c>, <c>incomplete</c>, <c>incomplete_expired</c> and <c>paused</c> fall back to free.</item>
/// </list>
/// </summary>
public sealed record BillingState(TenantBilling Row, string PlanId, PlanOptions Plan, bool ReadOnly, DateTimeOffset? GraceEndsAt,
    DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd)
{
    public PlanLimits Limits => Plan.Limits;

    /// <summary>The limits questions are counted against: the plan's, or the free plan's while read-only.</summary>
    public PlanLimits QuestionLimits { get; init; } = Plan.Limits;

    public bool OverageAllowed => Plan.Overage && !ReadOnly;

    public static BillingState Resolve(TenantBilling row, BillingOptions options, DateTimeOffset now)
    {
        var free = options.Plans[BillingOptions.FreePlan];
        var planId = options.Plans.ContainsKey(row.Plan) ? row.Plan : BillingOptions.FreePlan;
        var readOnly = false;
        DateTimeOffset? graceEnds = null;
        switch (row.Status)
        {
            case SubscriptionStatuses.Active or SubscriptionStatuses.Trialing:
                break;
            case SubscriptionStatuses.PastDue:
                graceEnds = (row.PastDueSince ?? row.UpdatedAt) + TimeSpan.FromDays(options.GraceDays);
                readOnly = now >= graceEnds;
                break;
            case SubscriptionStatuses.Unpaid:
                readOnly = true;
                break;
            default:
                planId = BillingOptions.FreePlan;
                break;
        }
        var plan = options.Plans[planId];
        var (start, end) = Period(row, now);
        return new BillingState(row, planId, plan, readOnly, graceEnds, start, end) { QuestionLimits = readOnly ? free.Limits : plan.Limits };
    }

    /// <summary>The subscription's current period while it runs; otherwise the calendar month (UTC).</summary>
    private static (DateTimeOffset Start, DateTimeOffset End) Period(TenantBilling row, DateTimeOffset now)
    {
        if (row.CurrentPeriodStart is { } start && row.CurrentPeriodEnd is { } end && start <= now && now < end)
            return (start, end);
        var month = new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return (month, month.AddMonths(1));
    }
}
