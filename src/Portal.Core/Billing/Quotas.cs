using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Tenancy;

namespace Portal.Billing;

/// <summary>
/// The plan's limits, checked where work is accepted, inside the caller's tenant transaction. Checks that count rows
/// (knowledge bases, documents, storage, members, GPU minutes) first lock the tenant's billing row, so concurrent
/// requests at the last free slot are decided one after another and exactly one is admitted. Question counters are
/// one conditional upsert each, which is atomic on its own.
/// </summary>
public sealed class Quotas(PortalDbContext db, TenantContext tenant, IOptionsMonitor<BillingOptions> options, TimeProvider clock)
{
    /// <summary>The tenant's billing state; <paramref name="forUpdate"/> locks its row until the transaction ends.</summary>
    public async Task<BillingState> StateAsync(bool forUpdate, CancellationToken ct)
    {
        var tenantId = tenant.RequiredTenantId;
        TenantBilling? row;
        if (forUpdate)
        {
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO tenant_billing (tenant_id) VALUES ({tenantId}) ON CONFLICT (tenant_id) DO NOTHING", ct);
            row = await db.TenantBilling.FromSql($"SELECT * FROM tenant_billing WHERE tenant_id = {tenantId} FOR UPDATE")
                .AsNoTracking().SingleAsync(ct);
        }
        else
        {
            row = await db.TenantBilling.AsNoTracking().SingleOrDefaultAsync(ct);
        }
        var now = clock.GetUtcNow();
        return BillingState.Resolve(row ?? new TenantBilling { TenantId = tenantId, UpdatedAt = now }, options.CurrentValue, now);
    }

    /// <summary>Refuses with 402 unless <paramref name="adding"/> more of <paramref name="resource"/> fit the plan.</summary>
    public async Task EnsureCanAddAsync(QuotaResource resource, long adding, CancellationToken ct)
    {
        var state = await StateAsync(forUpdate: true, ct);
        Check(state, resource, await UsedAsync(resource, state, ct), adding);
    }

    /// <summary>Locks the tenant's billing row and counts its documents, for an upload that admits files one by one.</summary>
    public async Task<DocumentAdmission> BeginDocumentAdmissionAsync(CancellationToken ct)
    {
        var state = await StateAsync(forUpdate: true, ct);
        var totals = await db.Documents.GroupBy(_ => 1)
            .Select(g => new { Count = g.LongCount(), Bytes = g.Sum(d => d.SizeBytes) }).SingleOrDefaultAsync(ct);
        return new DocumentAdmission(state, totals?.Count ?? 0, totals?.Bytes ?? 0);
    }

    /// <summary>
    /// Counts one question asked in the portal or through the API. Beyond the plan's allowance the question is refused
    /// with 402, or, where the plan allows overage, answered and metered.
    /// </summary>
    public async Task ConsumeQuestionAsync(CancellationToken ct)
    {
        var state = await StateAsync(forUpdate: false, ct);
        var period = DateOnly.FromDateTime(state.PeriodStart.UtcDateTime);
        var limit = state.QuestionLimits.QuestionsPerMonth;
        if (await TryCountAsync(Counters.Questions, period, limit, ct)) return;
        if (state.OverageAllowed)
        {
            await TryCountAsync(Counters.Questions, period, null, ct);
            db.MeteredUsage.Add(new MeteredUsage
            {
                Id = Guid.CreateVersion7(), TenantId = tenant.RequiredTenantId, Meter = Meters.Questions, Quantity = 1,
                Source = "question", OccurredAt = clock.GetUtcNow(),
            });
            await db.SaveChangesAsync(ct);
            return;
        }
        throw QuotaExceeded.Over(QuotaResource.QuestionsPerMonth, limit ?? 0, await CounterAsync(Counters.Questions, period, ct));
    }

    /// <summary>Counts one widget question against the plan's daily allowance; false (and nothing counted) once it is used up.</summary>
    public async Task<bool> TryConsumeWidgetQuestionAsync(CancellationToken ct)
    {
        var state = await StateAsync(forUpdate: false, ct);
        return await TryCountAsync(Counters.WidgetQuestions, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime),
            state.QuestionLimits.WidgetQuestionsPerDay, ct);
    }

    /// <summary>Refuses a GPU job whose estimate does not fit the minutes left in this period.</summary>
    public async Task EnsureGpuMinutesAsync(double estimatedMinutes, CancellationToken ct) =>
        await EnsureCanAddAsync(QuotaResource.GpuMinutesPerMonth, (long)Math.Ceiling(Math.Max(0, estimatedMinutes)), ct);

    /// <summary>Records GPU minutes a job used, to count against the plan and to report to Stripe's meter.</summary>
    public async Task RecordGpuMinutesAsync(string source, double minutes, CancellationToken ct)
    {
        if (minutes <= 0) return;
        db.MeteredUsage.Add(new MeteredUsage
        {
            Id = Guid.CreateVersion7(), TenantId = tenant.RequiredTenantId, Meter = Meters.GpuMinutes,
            Quantity = Math.Round((decimal)minutes, 3, MidpointRounding.AwayFromZero) is var q && q > 0 ? q : 0.001m,
            Source = source.Length > 200 ? source[..200] : source, OccurredAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>What the tenant uses of each limited resource now (GPU minutes rounded up to whole minutes).</summary>
    public async Task<IReadOnlyDictionary<QuotaResource, long>> UsageAsync(BillingState state, CancellationToken ct)
    {
        var usage = new Dictionary<QuotaResource, long>();
        foreach (var resource in Enum.GetValues<QuotaResource>()) usage[resource] = await UsedAsync(resource, state, ct);
        return usage;
    }

    private async Task<long> UsedAsync(QuotaResource resource, BillingState state, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        switch (resource)
        {
            case QuotaResource.KnowledgeBases:
                return await db.KnowledgeBases.LongCountAsync(ct);
            case QuotaResource.Documents:
                return await db.Documents.LongCountAsync(ct);
            case QuotaResource.StorageBytes:
                return await db.Documents.SumAsync(d => (long?)d.SizeBytes, ct) ?? 0;
            case QuotaResource.Members:
                return await db.Memberships.LongCountAsync(ct)
                    + await db.Invitations.LongCountAsync(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, ct);
            case QuotaResource.QuestionsPerMonth:
                return await CounterAsync(Counters.Questions, DateOnly.FromDateTime(state.PeriodStart.UtcDateTime), ct);
            case QuotaResource.WidgetQuestionsPerDay:
                return await CounterAsync(Counters.WidgetQuestions, DateOnly.FromDateTime(now.UtcDateTime), ct);
            case QuotaResource.GpuMinutesPerMonth:
                var minutes = await db.MeteredUsage.Where(u => u.Meter == Meters.GpuMinutes && u.OccurredAt >= state.PeriodStart)
                    .SumAsync(u => (decimal?)u.Quantity, ct) ?? 0;
                return (long)Math.Ceiling(minutes);
            default:
                throw new ArgumentOutOfRangeException(nameof(resource));
        }
    }

    internal static void Check(BillingState state, QuotaResource resource, long used, long adding)
    {
        var limit = state.Limits.For(resource);
        if (state.ReadOnly && resource.IsHolding() && adding > 0)
            throw QuotaExceeded.ReadOnly(resource, limit, used, state.GraceEndsAt);
        if (limit is { } l && used + adding > l) throw QuotaExceeded.Over(resource, l, used);
    }

    /// <summary>One more on the counter if it is under <paramref name="limit"/> (null: no limit); false, and nothing counted, at the limit.</summary>
    private async Task<bool> TryCountAsync(string resource, DateOnly period, long? limit, CancellationToken ct)
    {
        if (limit is <= 0) return false;
        var cap = limit ?? long.MaxValue;
        var counted = await db.Database.SqlQuery<long>($"""
            INSERT INTO usage_counters (tenant_id, resource, period_start, used) VALUES ({tenant.RequiredTenantId}, {resource}, {period}, 1)
            ON CONFLICT (tenant_id, resource, period_start) DO UPDATE SET used = usage_counters.used + 1
            WHERE usage_counters.used < {cap}
            RETURNING used AS "Value"
            """).ToListAsync(ct);
        return counted.Count == 1;
    }

    private async Task<long> CounterAsync(string resource, DateOnly period, CancellationToken ct) =>
        (await db.Database.SqlQuery<long>(
            $"SELECT used AS \"Value\" FROM usage_counters WHERE tenant_id = {tenant.RequiredTenantId} AND resource = {resource} AND period_start = {period}")
            .ToListAsync(ct)).SingleOrDefault();

    private static class Counters
    {
        public const string Questions = "questions";
        public const string WidgetQuestions = "widgetQuestions";
    }
}

/// <summary>An upload's admission: documents are admitted one by one against the counts taken under the lock.</summary>
public sealed class DocumentAdmission(BillingState state, long documents, long bytes)
{
    public void Admit(long sizeBytes)
    {
        Quotas.Check(state, QuotaResource.Documents, documents, 1);
        Quotas.Check(state, QuotaResource.StorageBytes, bytes, sizeBytes);
        documents++;
        bytes += sizeBytes;
    }
}
