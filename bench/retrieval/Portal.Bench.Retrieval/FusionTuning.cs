using Portal.Search;
using Portal.Search.Fusion;

namespace Portal.Bench.Retrieval;

/// <summary>
/// Chooses fusion defaults without overfitting: every variant is scored on half of the passages'
/// questions (tune), the best by answer hit@1 (then MRR) is reported on the other half (holdout)
/// and on all. Splitting by passage keeps questions about one passage on one side.
/// </summary>
internal static class FusionTuning
{
    public static void Run(IReadOnlyList<string> passageOfQuestion, IReadOnlyList<IReadOnlyList<SearchHit>> keyword,
        IReadOnlyList<IReadOnlyList<SearchHit>> vector, Func<IReadOnlyList<int>, Func<int, IReadOnlyList<long>>, Cmrc.Metrics> score)
    {
        var passages = passageOfQuestion.Distinct().Order(StringComparer.Ordinal).ToList();
        var tuneSet = passages.Where((_, i) => i % 2 == 0).ToHashSet();
        var all = Enumerable.Range(0, passageOfQuestion.Count).ToList();
        var tune = all.Where(i => tuneSet.Contains(passageOfQuestion[i])).ToList();
        var holdout = all.Where(i => !tuneSet.Contains(passageOfQuestion[i])).ToList();
        // The pool hybrid search fuses for k 10 (candidate multiplier 4).
        static List<LegHit> Leg(IReadOnlyList<SearchHit> hits, bool isVector) =>
            hits.Take(40).Select((h, r) => new LegHit(h.ChunkId, r + 1, (isVector ? h.VectorScore : h.KeywordScore) ?? 0, [])).ToList();
        var kw = keyword.Select(h => Leg(h, false)).ToList();
        var vec = vector.Select(h => Leg(h, true)).ToList();

        var variants = new List<(string Name, Func<int, IReadOnlyList<long>> Rank)>();
        foreach (var k in new[] { 5, 10, 20, 30, 60 })
            foreach (var w in new[] { 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5 })
                variants.Add(($"rrf k {k}, vectorWeight {w:F2}", i => RankFusion.Reciprocal(vec[i], kw[i], k, w).Select(h => h.ChunkId).ToList()));
        foreach (var w in new[] { 0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5 })
            variants.Add(($"weighted, vectorWeight {w:F2}", i => RankFusion.Weighted(vec[i], kw[i], w).Select(h => h.ChunkId).ToList()));

        // Query-adaptive: trust the vector leg more only when BM25's top two are nearly tied.
        static double Margin(List<LegHit> k) => k.Count < 2 || k[0].Score <= 0 ? 1 : (k[0].Score - k[1].Score) / k[0].Score;
        foreach (var k in new[] { 5, 10, 60 })
            foreach (var tau in new[] { 0.02, 0.05, 0.1 })
                foreach (var high in new[] { 0.2, 0.35, 0.5 })
                    variants.Add(($"adaptive rrf k {k}, vectorWeight 0.05, {high:F2} when keyword margin < {tau:F2}",
                        i => RankFusion.Reciprocal(vec[i], kw[i], k, Margin(kw[i]) < tau ? high : 0.05).Select(h => h.ChunkId).ToList()));

        var ranked = variants.Select(v => (v.Name, v.Rank, Tune: score(tune, v.Rank)))
            .OrderByDescending(v => v.Tune.Hit1).ThenByDescending(v => v.Tune.Mrr).ToList();
        Console.WriteLine($"fusion tuning: {tune.Count} tune / {holdout.Count} holdout questions (split by passage); keyword alone tune {score(tune, i => kw[i].Select(h => h.ChunkId).ToList()).Hit1:F3}, holdout {score(holdout, i => kw[i].Select(h => h.ChunkId).ToList()).Hit1:F3}");
        Console.WriteLine("| variant | tune hit@1 | tune MRR | holdout hit@1 | hit@5 | MRR@10 | p.recall@1 | p.recall@5 | all hit@1 | hit@5 | MRR@10 | p.recall@1 | p.recall@5 |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var v in ranked.Take(8).Concat(ranked.Where(r => r.Name is "rrf k 60, vectorWeight 0.50" or "weighted, vectorWeight 0.50")))
            Console.WriteLine($"| {v.Name} | {v.Tune.Hit1:F3} | {v.Tune.Mrr:F3} | {score(holdout, v.Rank)} | {score(all, v.Rank)} |");
    }
}
