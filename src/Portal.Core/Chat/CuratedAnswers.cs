using Microsoft.EntityFrameworkCore;
using Portal.Chat.Answering;
using Portal.Data;
using Portal.Search;
using Portal.Search.Embeddings;

namespace Portal.Chat;

/// <summary>
/// Finds a curated answer for a question: the QA chunks of the requested knowledge bases are
/// searched (hybrid, restricted to source type <c>qa</c>), and each candidate pair's question is
/// scored as <c>0.7 · cosine(hashed embeddings) + 0.3 · Dice overlap of content terms</c>.
/// A score at or above the tenant's curated threshold wins. Runs in the caller's tenant transaction.
/// </summary>
internal sealed class CuratedAnswers(PortalDbContext db, HybridSearch search, EmbedderRegistry embedders)
{
    public const string SourceType = "qa";
    public const string DocumentName = "Curated answers";

    public sealed record Match(Guid QaPairId, long ChunkId, Guid DocumentId, string Question, string Answer, double Score);

    public async Task<Match?> FindAsync(string question, Guid[]? knowledgeBaseIds, double threshold, CancellationToken ct)
    {
        var hits = await search.SearchAsync(new SearchQuery(question)
        {
            KnowledgeBaseIds = knowledgeBaseIds, TopK = 5, Filters = new SearchFilters { SourceTypes = [SourceType] },
        }, ct);
        if (hits.Count == 0) return null;
        var ids = hits.Select(h => h.ChunkId).ToArray();
        var pairs = await db.Chunks.AsNoTracking().Where(c => ids.Contains(c.Id) && c.QaPairId != null)
            .Join(db.QaPairs.AsNoTracking(), c => c.QaPairId, q => q.Id, (c, q) => new { ChunkId = c.Id, c.DocumentId, q.Id, q.Question, q.Answer })
            .ToListAsync(ct);
        if (pairs.Count == 0) return null;
        var embedder = embedders.Default;
        var vectors = await embedder.EmbedAsync([question, .. pairs.Select(p => p.Question)], ct);
        var asked = QueryTerms.Weighted(question).Keys.ToHashSet();
        Match? best = null;
        for (var i = 0; i < pairs.Count; i++)
        {
            var p = pairs[i];
            var score = 0.7 * Cosine(vectors[0], vectors[i + 1]) + 0.3 * Dice(asked, QueryTerms.Weighted(p.Question).Keys.ToHashSet());
            if (best is null || score > best.Score || (score == best.Score && p.ChunkId < best.ChunkId))
                best = new Match(p.Id, p.ChunkId, p.DocumentId, p.Question, p.Answer, score);
        }
        return best is not null && best.Score >= threshold ? best with { Score = Math.Clamp(best.Score, 0, 1) } : null;
    }

    private static double Cosine(float[] a, float[] b) =>
        System.Numerics.Tensors.TensorPrimitives.Dot(a, b); // both are L2-normalised

    private static double Dice(HashSet<string> a, HashSet<string> b) =>
        a.Count + b.Count == 0 ? 0 : 2.0 * a.Count(b.Contains) / (a.Count + b.Count);
}
