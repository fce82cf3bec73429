using Microsoft.EntityFrameworkCore;
using Portal.Chat;
using Portal.Data;
using Portal.Documents;

namespace Portal.Tenancy;

public sealed record TenantOverviewView(int KnowledgeBases, int Documents, int DocumentsInProgress, int DocumentsFailed,
    int QuestionsLast7Days, int Members, int ActiveApiKeys);

/// <summary>The counts the dashboard shows, read in the caller's tenant transaction.</summary>
public sealed class TenantOverview(PortalDbContext db)
{
    public async Task<TenantOverviewView> GetAsync(CancellationToken ct)
    {
        var since = DateTimeOffset.UtcNow.AddDays(-7);
        var byStatus = await db.Documents.GroupBy(d => d.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var now = DateTimeOffset.UtcNow;
        return new TenantOverviewView(
            await db.KnowledgeBases.CountAsync(ct),
            byStatus.Sum(s => s.Count),
            byStatus.Where(s => s.Key is not (DocumentStatus.Indexed or DocumentStatus.Failed)).Sum(s => s.Count),
            byStatus.Where(s => s.Key == DocumentStatus.Failed).Sum(s => s.Count),
            await db.Messages.CountAsync(m => m.Role == MessageRole.User && m.CreatedAt >= since, ct),
            await db.Memberships.CountAsync(ct),
            await db.ApiKeys.CountAsync(k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now), ct));
    }
}
