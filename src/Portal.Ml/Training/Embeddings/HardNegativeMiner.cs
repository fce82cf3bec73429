namespace Portal.Ml.Training.Embeddings;

/// <summary>
/// FlagEmbedding's hard-negative mining: rank the corpus with the current retriever and sample
/// negatives from ranks <see cref="FromRank"/>–<see cref="ToRank"/> (1-based), skipping the positives.
/// Rank 1 is left out because it is too often an unlabelled positive.
/// </summary>
public sealed record HardNegativeMiner(int FromRank = 2, int ToRank = 200, int PerQuery = 7, int Seed = 42)
{
    /// <summary><paramref name="rank"/> returns the corpus passages for a query, best first (an in-memory index).</summary>
    public List<ContrastiveExample> Mine(IReadOnlyList<ContrastiveExample> examples, Func<string, int, IReadOnlyList<string>> rank) =>
        MineAsync(examples, (query, depth, _) => Task.FromResult(rank(query, depth)), CancellationToken.None).GetAwaiter().GetResult();

    /// <summary><paramref name="rank"/> returns the passages for a query, best first (the tenant's index through its search).</summary>
    public async Task<List<ContrastiveExample>> MineAsync(IReadOnlyList<ContrastiveExample> examples,
        Func<string, int, CancellationToken, Task<IReadOnlyList<string>>> rank, CancellationToken ct)
    {
        var random = new Random(Seed);
        var mined = new List<ContrastiveExample>(examples.Count);
        foreach (var example in examples)
        {
            ct.ThrowIfCancellationRequested();
            var positives = example.Positives.Select(Normalise).ToList();
            var ranked = await rank(example.Query, ToRank, ct);
            var candidates = ranked.Skip(FromRank - 1).Where(p => !IsPositive(Normalise(p), positives)).Distinct().ToArray();
            random.Shuffle(candidates);
            mined.Add(example with { Negatives = example.Negatives.Concat(candidates.Take(PerQuery)).Distinct().ToList() });
        }
        return mined;
    }

    /// <summary>
    /// An index holds chunks, not the exact passages of the training file: a chunk that equals a positive up to
    /// whitespace, contains it, or is part of it, is the positive. Containment counts only for texts of at least
    /// <see cref="MinimumContainedLength"/> characters, so a one-word positive does not rule out every chunk using the word.
    /// </summary>
    private static bool IsPositive(string candidate, List<string> positives) =>
        positives.Any(p => candidate == p
            || (p.Length >= MinimumContainedLength && candidate.Contains(p, StringComparison.Ordinal))
            || (candidate.Length >= MinimumContainedLength && p.Contains(candidate, StringComparison.Ordinal)));

    private const int MinimumContainedLength = 20;

    private static string Normalise(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>An exact cosine ranker over <paramref name="corpus"/> with an embedding function (unit vectors).</summary>
    public static Func<string, int, IReadOnlyList<string>> InMemory(IReadOnlyList<string> corpus, Func<string, float[]> embed) =>
        InMemory(corpus, texts => texts.Select(embed).ToArray(), embed);

    /// <summary>As <see cref="InMemory(IReadOnlyList{string}, Func{string, float[]})"/>, with the corpus embedded in one batch and queries on their own side.</summary>
    public static Func<string, int, IReadOnlyList<string>> InMemory(IReadOnlyList<string> corpus, Func<IReadOnlyList<string>, float[][]> embedPassages,
        Func<string, float[]> embedQuery)
    {
        var vectors = embedPassages(corpus);
        return (query, k) =>
        {
            var q = embedQuery(query);
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
