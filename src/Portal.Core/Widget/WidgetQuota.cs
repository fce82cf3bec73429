using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Widget;

/// <summary>The daily request quota of a publishable key, counted in <c>widget_usage</c> per UTC day.</summary>
public static class WidgetQuota
{
    /// <summary>
    /// Counts one request if the key is under <paramref name="limit"/> today; false once it is used up.
    /// One statement, so concurrent requests cannot both take the last unit. Runs in the key's tenant transaction.
    /// </summary>
    public static async Task<bool> TryConsumeAsync(PortalDbContext db, Guid tenantId, Guid keyId, DateOnly day, int limit, CancellationToken ct)
    {
        if (limit <= 0) return false;
        var counted = await db.Database.SqlQuery<int>($"""
            INSERT INTO widget_usage (tenant_id, api_key_id, day, requests) VALUES ({tenantId}, {keyId}, {day}, 1)
            ON CONFLICT (api_key_id, day) DO UPDATE SET requests = widget_usage.requests + 1
            WHERE widget_usage.requests < {limit}
            RETURNING requests AS "Value"
            """).ToListAsync(ct);
        return counted.Count == 1;
    }

    /// <summary>Seconds until the quota resets at the next UTC midnight (at least 1).</summary>
    public static int SecondsUntilReset(DateTimeOffset now)
    {
        var midnight = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        return Math.Max(1, (int)Math.Ceiling((midnight - now).TotalSeconds));
    }
}
