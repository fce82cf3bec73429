namespace Portal.Ml.Training.Embeddings;

/// <summary>
/// FlagEmbedding's hard-negative mining: rank the corpus with the current retriever and sample
/// negatives from ranks <see cref="FromRank"/>–<see cref="ToRank"/> (1-based), skipping the positives.
/// Rank 1 is left out because it is too often an unlabelled positive.
/// </summary>
public sealed record HardNegativeMiner(int FromRank = 2, int ToRank = 200, int PerQuery = 7, int Seed = 42)
{
    /// <summary><paramref name="rank"/> returns the corpus passages for a query, best first (the tenant's index, or an in-memory one).</summary>
    public List<ContrastiveExample> Mine(IReadOnlyList<ContrastiveExample> examples, Func<string, int, IReadOnlyList<string>> rank)
    {
        var random = new Random(Seed);
        var mined = new List<ContrastiveExample>(examples.Count);
        foreach (var example in examples)
        {
            var positives = example.Positives.ToHashSet(StringComparer.Ordinal);
            var candidates = rank(example.Query, ToRank).Skip(FromRank - 1).Where(p => !positives.Contains(p)).Distinct().ToArray();
            random.Shuffle(candidates);
            mined.Add(example with { Negatives = example.Negatives.Concat(candidates.Take(PerQuery)).Distinct().ToList() });
        }
        return mined;
    }

    /// <summary>An exact cosine ranker over <paramref name="corpus"/> with an embedding function (unit vectors).</summary>
    public static Func<string, int, IReadOnlyList<string>> InMemory(IReadOnlyList<string> corpus, Func<string, float[]> embed)
    {
        var vectors = corpus.Select(embed).ToArray();
        return (query, k) =>
        {
            var q = embed(query);
            return Enumerable.Range(0, corpus.Count)
                .Select(i => (i, score: Dot(q, vectors[i])))
                .OrderByDescending(s => s.score).ThenBy(s => s.i).Take(k).Select(s => corpus[s.i]).ToList();
        };
    }

    private static float Dot(float[] a, float[] b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }
}
