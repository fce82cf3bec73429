using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Search;
using Portal.Tenancy;

namespace Portal.FineTuning;

/// <summary>
/// Ranks one knowledge base's chunks for a question exactly as the tenant's searches do (hybrid search, the
/// knowledge base's own settings), so an embedder fine-tune mines its hard negatives from the tenant's own
/// index. Every ranking runs in its own scope, as the tenant, inside a tenant transaction: row-level
/// security and the query filters both keep other tenants' chunks out.
/// </summary>
public sealed class KnowledgeBaseRanker(IServiceProvider services, Guid tenantId, Guid knowledgeBaseId)
{
    public const string Actor = "system:train-embed";

    /// <summary>The texts of the best <paramref name="depth"/> chunks, best first.</summary>
    public async Task<IReadOnlyList<string>> RankAsync(string question, int depth, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId, TenantRole.Viewer, Actor);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using var tx = await db.BeginTenantTransactionAsync(tenantId, ct);
        // One chunk per document would hide the near-misses inside the positive's own document.
        var hits = await scope.ServiceProvider.GetRequiredService<HybridSearch>().SearchAsync(
            new SearchQuery(question) { KnowledgeBaseIds = [knowledgeBaseId], TopK = depth, DedupeDocuments = false }, ct);
        return hits.Select(h => h.Text).ToList();
    }
}
