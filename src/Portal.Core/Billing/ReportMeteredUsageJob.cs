using System.Globalization;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Jobs;
using Portal.Tenancy;
using Stripe;
using Stripe.Billing;

namespace Portal.Billing;

/// <summary>
/// Reports metered usage (GPU minutes, overage questions) to Stripe Billing Meters as meter events. Each usage row is
/// one event whose <c>identifier</c> is the row id, sent with an idempotency key of the same id: a retry after a
/// dropped response, in this run or the next, is counted once by Stripe. A row is marked reported only after Stripe
/// accepted it. Without a secret key nothing is sent and rows wait. Each tenant's rows are read in its own transaction.
/// </summary>
public sealed partial class ReportMeteredUsageJob(IServiceScopeFactory scopes, StripeAccount stripe, IOptionsMonitor<BillingOptions> options,
    ILogger<ReportMeteredUsageJob> logger)
{
    public const string Id = "report-metered-usage";
    private const int BatchSize = 500;

    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    [AutomaticRetry(Attempts = 0)]
    public async Task<int> RunAsync(CancellationToken ct)
    {
        if (!stripe.IsConfigured) return 0;
        List<Guid> tenants;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            tenants = await db.Database.SqlQuery<Guid>($"SELECT t AS \"Value\" FROM billing_tenants_with_unreported_usage() t").ToListAsync(ct);
        }
        var reported = 0;
        foreach (var tenantId in tenants) reported += await ReportTenantAsync(tenantId, ct);
        return reported;
    }

    private async Task<int> ReportTenantAsync(Guid tenantId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId, TenantRole.Viewer, "system:" + Id);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        string? customer;
        List<MeteredUsage> rows;
        await using (var tx = await db.BeginTenantTransactionAsync(tenantId, ct))
        {
            customer = await db.TenantBilling.Select(b => b.StripeCustomerId).SingleOrDefaultAsync(ct);
            rows = await db.MeteredUsage.AsNoTracking().Where(u => u.ReportedAt == null).OrderBy(u => u.OccurredAt).Take(BatchSize).ToListAsync(ct);
            await tx.CommitAsync(ct);
        }
        // A tenant that never had a Stripe customer has nothing to bill to; its rows wait for one.
        if (customer is null || rows.Count == 0) return 0;

        var client = stripe.Client();
        var names = options.CurrentValue.Stripe;
        var reported = 0;
        foreach (var row in rows)
        {
            string? error = null;
            try
            {
                await client.V1.Billing.MeterEvents.CreateAsync(new MeterEventCreateOptions
                {
                    EventName = row.Meter == Meters.GpuMinutes ? names.GpuMinutesMeter : names.QuestionsMeter,
                    Identifier = row.Id.ToString(),
                    Timestamp = row.OccurredAt.UtcDateTime,
                    Payload = new Dictionary<string, string>
                    {
                        ["stripe_customer_id"] = customer,
                        ["value"] = row.Quantity.ToString(CultureInfo.InvariantCulture),
                    },
                }, new RequestOptions { IdempotencyKey = "portal-meter-" + row.Id }, ct);
            }
            catch (StripeException e)
            {
                error = e.Message.Length > 1000 ? e.Message[..1000] : e.Message;
                LogReportFailed(e, row.Id, tenantId);
            }
            await using var tx = await db.BeginTenantTransactionAsync(tenantId, ct);
            if (error is null)
                await db.MeteredUsage.Where(u => u.Id == row.Id && u.ReportedAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(x => x.ReportedAt, DateTimeOffset.UtcNow)
                        .SetProperty(x => x.ReportAttempts, x => x.ReportAttempts + 1).SetProperty(x => x.LastError, (string?)null), ct);
            else
                await db.MeteredUsage.Where(u => u.Id == row.Id)
                    .ExecuteUpdateAsync(u => u.SetProperty(x => x.ReportAttempts, x => x.ReportAttempts + 1).SetProperty(x => x.LastError, error), ct);
            await tx.CommitAsync(ct);
            if (error is null) reported++;
            // Stripe unreachable: the rest waits for the next run rather than failing one by one.
            else if (IsNetwork(error)) break;
        }
        if (reported > 0) LogReported(reported, tenantId);
        return reported;
    }

    private static bool IsNetwork(string error) => error.Contains("connect", StringComparison.OrdinalIgnoreCase)
        || error.Contains("timed out", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reported {Count} usage rows of {TenantId} to Stripe's meters")]
    private partial void LogReported(int count, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe did not accept usage row {UsageId} of {TenantId}; it is retried on the next run")]
    private partial void LogReportFailed(Exception exception, Guid usageId, Guid tenantId);
}

/// <summary>Keeps the meter report's recurring job in step with <see cref="BillingOptions.MeterReportInterval"/>.</summary>
internal sealed class MeterReportSchedule(IOptions<BillingOptions> billing) : IRecurringJobSchedule
{
    public void Apply(IRecurringJobManager manager) =>
        manager.AddOrUpdate<ReportMeteredUsageJob>(ReportMeteredUsageJob.Id, JobQueues.Maintenance,
            j => j.RunAsync(CancellationToken.None), Intervals.ToCron(billing.Value.MeterReportInterval, "Billing:MeterReportInterval"));
}
