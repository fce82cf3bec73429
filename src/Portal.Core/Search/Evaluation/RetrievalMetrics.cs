namespace Portal.Search.Evaluation;

/// <summary>
/// Standard ranking metrics over one question's ranked result ids and its set of relevant ids.
/// Pure functions: the evaluation CLI, the benchmarks and the dashboards all call these.
/// </summary>
public static class RetrievalMetrics
{
    /// <summary>Share of the relevant ids found in the top k.</summary>
    public static double RecallAt<T>(IReadOnlyList<T> ranked, IReadOnlySet<T> relevant, int k) =>
        relevant.Count == 0 ? 0 : (double)ranked.Take(k).Distinct().Count(relevant.Contains) / relevant.Count;

    /// <summary>1 when any relevant id is in the top k.</summary>
    public static double HitAt<T>(IReadOnlyList<T> ranked, IReadOnlySet<T> relevant, int k) =>
        ranked.Take(k).Any(relevant.Contains) ? 1 : 0;

    /// <summary>1 / rank of the first relevant id within the top k; 0 when none.</summary>
    public static double ReciprocalRankAt<T>(IReadOnlyList<T> ranked, IReadOnlySet<T> relevant, int k)
    {
        for (var i = 0; i < Math.Min(k, ranked.Count); i++)
            if (relevant.Contains(ranked[i])) return 1.0 / (i + 1);
        return 0;
    }

    /// <summary>nDCG@k with binary relevance; an id counts once, at its best rank.</summary>
    public static double NdcgAt<T>(IReadOnlyList<T> ranked, IReadOnlySet<T> relevant, int k)
    {
        if (relevant.Count == 0) return 0;
        var seen = new HashSet<T>();
        double dcg = 0;
        for (var i = 0; i < Math.Min(k, ranked.Count); i++)
            if (relevant.Contains(ranked[i]) && seen.Add(ranked[i])) dcg += 1 / Math.Log2(i + 2);
        double ideal = 0;
        for (var i = 0; i < Math.Min(k, relevant.Count); i++) ideal += 1 / Math.Log2(i + 2);
        return dcg / ideal;
    }
}
