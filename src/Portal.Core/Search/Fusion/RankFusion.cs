namespace Portal.Search.Fusion;

/// <summary>A fused candidate: its fused score and what each leg said about it.</summary>
internal sealed record FusedHit(long ChunkId, double Score, int? VectorRank, int? KeywordRank,
    double? VectorScore, double? KeywordScore, string[] MatchedTerms);

/// <summary>
/// Merges the two legs' ranked lists. Pure and deterministic: equal scores are ordered by chunk id,
/// so the same inputs give the same order on every node.
/// </summary>
internal static class RankFusion
{
    /// <summary>
    /// Weighted Reciprocal Rank Fusion: 2 · (w / (k + vector rank) + (1 − w) / (k + keyword rank)) over
    /// the legs that found the chunk. w = 0.5 is plain RRF; a lower w trusts the keyword leg more.
    /// </summary>
    public static List<FusedHit> Reciprocal(IReadOnlyList<LegHit> vector, IReadOnlyList<LegHit> keyword, int k, double vectorWeight = 0.5) =>
        Combine(vector, keyword, (v, kw) =>
            2 * ((v is null ? 0 : vectorWeight / (k + v.Rank)) + (kw is null ? 0 : (1 - vectorWeight) / (k + kw.Rank))));

    /// <summary>
    /// Convex combination of min–max normalised scores: w·vector + (1 − w)·keyword. A leg that did
    /// not find a chunk contributes 0 for it.
    /// </summary>
    public static List<FusedHit> Weighted(IReadOnlyList<LegHit> vector, IReadOnlyList<LegHit> keyword, double vectorWeight)
    {
        var nv = Normaliser(vector);
        var nk = Normaliser(keyword);
        return Combine(vector, keyword, (v, kw) =>
            vectorWeight * (v is null ? 0 : nv(v.Score)) + (1 - vectorWeight) * (kw is null ? 0 : nk(kw.Score)));
    }

    /// <summary>One leg alone, in the shape of a fused list (its own score, its own order).</summary>
    public static List<FusedHit> Single(IReadOnlyList<LegHit> hits, bool isVector) =>
        Combine(isVector ? hits : [], isVector ? [] : hits, (v, kw) => (v ?? kw)!.Score);

    private static List<FusedHit> Combine(IReadOnlyList<LegHit> vector, IReadOnlyList<LegHit> keyword, Func<LegHit?, LegHit?, double> score)
    {
        var byVector = vector.ToDictionary(h => h.ChunkId);
        var byKeyword = keyword.ToDictionary(h => h.ChunkId);
        return byVector.Keys.Union(byKeyword.Keys)
            .Select(id =>
            {
                var v = byVector.GetValueOrDefault(id);
                var kw = byKeyword.GetValueOrDefault(id);
                return new FusedHit(id, score(v, kw), v?.Rank, kw?.Rank, v?.Score, kw?.Score, kw?.MatchedTerms ?? []);
            })
            .OrderByDescending(h => h.Score).ThenBy(h => h.ChunkId)
            .ToList();
    }

    private static Func<double, double> Normaliser(IReadOnlyList<LegHit> hits)
    {
        if (hits.Count == 0) return _ => 0;
        var min = hits.Min(h => h.Score);
        var max = hits.Max(h => h.Score);
        // One candidate, or all equal: each is as good as the best.
        return max - min < 1e-12 ? _ => 1 : s => (s - min) / (max - min);
    }
}
