using System.ComponentModel.DataAnnotations;

namespace Portal.Billing;

/// <summary>
/// <c>Billing</c>: the plans a tenant can be on, and the Stripe account that sells them. Plans apply from this
/// configuration alone; without <c>Billing:Stripe:SecretKey</c> nothing is sold, and every tenant stays on the plan its
/// row names (<c>free</c> unless an operator sets another).
/// </summary>
public sealed class BillingOptions
{
    public const string FreePlan = "free";

    /// <summary><c>Billing:Plans:{id}</c>. The defaults (<c>free</c>, <c>pro</c>, <c>business</c>) can be changed key by key.</summary>
    public Dictionary<string, PlanOptions> Plans { get; set; } = new(StringComparer.Ordinal)
    {
        [FreePlan] = new()
        {
            Name = "Free", PriceMonthly = 0,
            Limits = new()
            {
                KnowledgeBases = 3, Documents = 50, StorageBytes = 100L << 20, QuestionsPerMonth = 500,
                WidgetQuestionsPerDay = 200, GpuMinutesPerMonth = 0, Members = 3,
            },
        },
        ["pro"] = new()
        {
            Name = "Pro", PriceMonthly = 59, StripePriceId = "price_portal_pro_monthly", Overage = true,
            Limits = new()
            {
                KnowledgeBases = 20, Documents = 2_000, StorageBytes = 5L << 30, QuestionsPerMonth = 5_000,
                WidgetQuestionsPerDay = 2_000, GpuMinutesPerMonth = 120, Members = 10,
            },
        },
        ["business"] = new()
        {
            Name = "Business", PriceMonthly = 159, StripePriceId = "price_portal_business_monthly", Overage = true,
            Limits = new()
            {
                KnowledgeBases = 100, Documents = 20_000, StorageBytes = 20L << 30, QuestionsPerMonth = 20_000,
                WidgetQuestionsPerDay = 10_000, GpuMinutesPerMonth = 600, Members = 50,
            },
        },
    };

    /// <summary>Days a <c>past_due</c> subscription keeps its plan's limits before the tenant becomes read-only.</summary>
    [Range(0, 90)]
    public int GraceDays { get; set; } = 7;

    /// <summary>How often usage is reported to Stripe Billing Meters (the <c>report-metered-usage</c> recurring job).</summary>
    public TimeSpan MeterReportInterval { get; set; } = TimeSpan.FromMinutes(5);

    public StripeOptions Stripe { get; set; } = new();

    internal IEnumerable<string> Problems()
    {
        if (!Plans.ContainsKey(FreePlan)) yield return $"Billing:Plans must define '{FreePlan}', the plan of tenants without a subscription.";
        foreach (var (id, plan) in Plans)
        {
            if (!PlanIds.IsValid(id)) yield return $"Billing:Plans:{id}: an id is 1-64 lowercase letters, digits or '-'.";
            if (string.IsNullOrWhiteSpace(plan.Name)) yield return $"Billing:Plans:{id}:Name is required.";
            if (plan.PriceMonthly < 0) yield return $"Billing:Plans:{id}:PriceMonthly cannot be negative.";
            foreach (var (resource, limit) in plan.Limits.All())
                if (limit < 0) yield return $"Billing:Plans:{id}:Limits:{resource} cannot be negative (leave it out for no limit).";
        }
    }
}

public sealed class PlanOptions
{
    public string Name { get; set; } = "";
    public decimal PriceMonthly { get; set; }
    public string Currency { get; set; } = "usd";
    /// <summary>The Stripe Price a Checkout Session subscribes to; a plan without one cannot be bought (the free plan).</summary>
    public string? StripePriceId { get; set; }
    /// <summary>Questions beyond <c>questionsPerMonth</c> are answered and metered instead of refused.</summary>
    public bool Overage { get; set; }
    public PlanLimits Limits { get; set; } = new();
}

/// <summary>A plan's limits; a limit left out is unlimited.</summary>
public sealed class PlanLimits
{
    public long? KnowledgeBases { get; set; }
    public long? Documents { get; set; }
    public long? StorageBytes { get; set; }
    public long? QuestionsPerMonth { get; set; }
    public long? WidgetQuestionsPerDay { get; set; }
    public long? GpuMinutesPerMonth { get; set; }
    public long? Members { get; set; }

    public long? For(QuotaResource resource) => resource switch
    {
        QuotaResource.KnowledgeBases => KnowledgeBases,
        QuotaResource.Documents => Documents,
        QuotaResource.StorageBytes => StorageBytes,
        QuotaResource.QuestionsPerMonth => QuestionsPerMonth,
        QuotaResource.WidgetQuestionsPerDay => WidgetQuestionsPerDay,
        QuotaResource.GpuMinutesPerMonth => GpuMinutesPerMonth,
        QuotaResource.Members => Members,
        _ => throw new ArgumentOutOfRangeException(nameof(resource)),
    };

    public IEnumerable<(QuotaResource Resource, long? Limit)> All() => Enum.GetValues<QuotaResource>().Select(r => (r, For(r)));
}

public sealed class StripeOptions
{
    /// <summary>The secret key (<c>sk_…</c>). Without it checkout and the customer portal answer 503 billing-not-configured.</summary>
    public string? SecretKey { get; set; }
    /// <summary>Where the Stripe API is; tests point it at a local stand-in. Meter events go to the same base.</summary>
    public string? ApiBase { get; set; }
    /// <summary>The endpoint's signing secret (<c>whsec_…</c>); <c>appsettings.json</c> carries one for local development.</summary>
    public string? WebhookSecret { get; set; }
    /// <summary>Seconds a signed webhook stays acceptable (Stripe's own default is 300).</summary>
    [Range(1, 3600)]
    public int WebhookToleranceSeconds { get; set; } = 300;
    /// <summary>The <c>event_name</c> of each Billing Meter.</summary>
    public string GpuMinutesMeter { get; set; } = "portal_gpu_minutes";
    public string QuestionsMeter { get; set; } = "portal_questions";
    /// <summary>Where Checkout and the customer portal send the person back; empty: the portal's own <c>/billing</c> page.</summary>
    public string? ReturnUrl { get; set; }
}

public enum QuotaResource { KnowledgeBases, Documents, StorageBytes, QuestionsPerMonth, WidgetQuestionsPerDay, GpuMinutesPerMonth, Members }

public static class QuotaResources
{
    /// <summary>The resource's name in plans, usage and quota-exceeded problems (<c>knowledgeBases</c>, …).</summary>
    public static string Name(this QuotaResource resource) => resource switch
    {
        QuotaResource.KnowledgeBases => "knowledgeBases",
        QuotaResource.Documents => "documents",
        QuotaResource.StorageBytes => "storageBytes",
        QuotaResource.QuestionsPerMonth => "questionsPerMonth",
        QuotaResource.WidgetQuestionsPerDay => "widgetQuestionsPerDay",
        QuotaResource.GpuMinutesPerMonth => "gpuMinutesPerMonth",
        QuotaResource.Members => "members",
        _ => throw new ArgumentOutOfRangeException(nameof(resource)),
    };

    /// <summary>Resources a read-only tenant may not add to (questions fall back to the free plan instead).</summary>
    public static bool IsHolding(this QuotaResource resource) =>
        resource is not (QuotaResource.QuestionsPerMonth or QuotaResource.WidgetQuestionsPerDay);
}

internal static class PlanIds
{
    public static bool IsValid(string? id) =>
        id is { Length: >= 1 and <= 64 } && id.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-');
}
