using System.Numerics.Tensors;

namespace Portal.Search.Fusion;

internal static class Diversity
{
    /// <summary>Keeps the first (best) hit of each document, preserving order.</summary>
    public static List<T> OnePerDocument<T>(IEnumerable<T> ranked, Func<T, Guid> documentOf) =>
        ranked.DistinctBy(documentOf).ToList();

    /// <summary>
    /// Maximal Marginal Relevance: repeatedly picks the candidate maximising
    /// λ·relevance − (1 − λ)·max cosine to those already picked. Relevance is the fused score scaled
    /// to [0, 1]; ties go to the earlier (better-ranked) candidate, so the result is deterministic.
    /// </summary>
    public static List<int> Mmr(IReadOnlyList<double> relevance, IReadOnlyList<float[]> vectors, double lambda, int take)
    {
        var count = relevance.Count;
        if (count == 0) return [];
        var max = relevance.Max();
        var min = relevance.Min();
        var scaled = relevance.Select(r => max - min < 1e-12 ? 1 : (r - min) / (max - min)).ToArray();
        var picked = new List<int>();
        var maxSimilarity = new double[count];
        var used = new bool[count];
        while (picked.Count < Math.Min(take, count))
        {
            var best = -1;
            var bestValue = double.NegativeInfinity;
            for (var i = 0; i < count; i++)
            {
                if (used[i]) continue;
                var value = lambda * scaled[i] - (1 - lambda) * (picked.Count == 0 ? 0 : maxSimilarity[i]);
                if (value > bestValue + 1e-12) { best = i; bestValue = value; }
            }
            used[best] = true;
            picked.Add(best);
            for (var i = 0; i < count; i++)
                if (!used[i]) maxSimilarity[i] = Math.Max(maxSimilarity[i], TensorPrimitives.CosineSimilarity(vectors[i], vectors[best]));
        }
        return picked;
    }
}
