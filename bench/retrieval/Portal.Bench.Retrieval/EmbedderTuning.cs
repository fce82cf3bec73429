using System.Numerics.Tensors;
using Portal.Search.Embeddings;

namespace Portal.Bench.Retrieval;

/// <summary>
/// Chooses the hashed embedder's weights on CMRC 2018 dev, in process (exact cosine top 10, no
/// database): answer hit@1 and MRR@10 of the vector leg alone, on the tune half of the passages, the
/// holdout half and all, as <see cref="FusionTuning"/> splits them.
/// </summary>
internal static class EmbedderTuning
{
    public static Task RunAsync()
    {
        var passages = Cmrc.Load();
        var chunks = passages.SelectMany(p => Cmrc.Windows(p.Text).Select(w => (Passage: p.Id, Text: w))).ToList();
        var tuneSet = passages.Select(p => p.Id).Distinct().Order(StringComparer.Ordinal).Where((_, i) => i % 2 == 0).ToHashSet();
        var questions = passages.SelectMany(p => p.Questions.Where(q => q.Answers.Length > 0).Select(q => (Passage: p.Id, q.Question, q.Answers))).ToList();
        HashedNgramWeights[] variants =
        [
            HashedNgramWeights.V1,
            HashedNgramWeights.V1 with { Version = "cjk 0.2", Cjk = 0.2f },
            HashedNgramWeights.V1 with { Version = "cjk 0.6", Cjk = 0.6f },
            HashedNgramWeights.V1 with { Version = "cjk 0.8", Cjk = 0.8f },
            HashedNgramWeights.V1 with { Version = "cjk 1.0", Cjk = 1f },
            HashedNgramWeights.V1 with { Version = "cjk 1.0, pair 0.7", Cjk = 1f, CjkPair = 0.7f },
            HashedNgramWeights.V1 with { Version = "cjk 1.0, pair 0.5", Cjk = 1f, CjkPair = 0.5f },
            HashedNgramWeights.V2,
        ];
        Console.WriteLine("| weights | tune hit@1 | tune MRR@10 | holdout hit@1 | holdout MRR@10 | all hit@1 | all MRR@10 |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var weights in variants)
        {
            var embedder = new HashedNgramEmbedder(384, weights);
            var vectors = chunks.Select(c => embedder.Embed(c.Text)).ToArray();
            double[] hit = new double[2], mrr = new double[2];
            int[] count = new int[2];
            var scores = new float[vectors.Length];
            foreach (var (passage, question, answers) in questions)
            {
                var q = embedder.Embed(question);
                for (var i = 0; i < vectors.Length; i++) scores[i] = TensorPrimitives.Dot(vectors[i], q);
                var top = Enumerable.Range(0, vectors.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(10).ToList();
                var side = tuneSet.Contains(passage) ? 0 : 1;
                count[side]++;
                var rank = top.FindIndex(i => answers.Any(a => chunks[i].Text.Contains(a, StringComparison.Ordinal)));
                if (rank == 0) hit[side]++;
                if (rank >= 0) mrr[side] += 1.0 / (rank + 1);
            }
            Console.WriteLine($"| {weights.Version} | {hit[0] / count[0]:F3} | {mrr[0] / count[0]:F3} | {hit[1] / count[1]:F3} | {mrr[1] / count[1]:F3} | {(hit[0] + hit[1]) / questions.Count:F3} | {(mrr[0] + mrr[1]) / questions.Count:F3} |");
        }
        return Task.CompletedTask;
    }
}
