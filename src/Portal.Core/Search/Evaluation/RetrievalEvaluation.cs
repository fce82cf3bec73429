using System.Text.Json;

namespace Portal.Search.Evaluation;

/// <summary>One evaluation question: relevant chunks, relevant documents, or both (a hit on either counts).</summary>
public sealed record EvalCase(string Question, long[]? RelevantChunkIds, Guid[]? RelevantDocumentIds);

public sealed record ModeReport(SearchMode Mode, int Questions, IReadOnlyDictionary<int, double> RecallAtK, double Mrr10, double Ndcg10);

/// <summary>Runs eval cases through a search function, mode by mode, and averages the metrics.</summary>
public static class RetrievalEvaluation
{
    public static async Task<List<ModeReport>> RunAsync(IReadOnlyList<EvalCase> cases, IReadOnlyList<SearchMode> modes,
        IReadOnlyList<int> ks, Func<string, SearchMode, int, Task<IReadOnlyList<SearchHit>>> search)
    {
        var depth = Math.Max(10, ks.DefaultIfEmpty(10).Max());
        var reports = new List<ModeReport>();
        foreach (var mode in modes)
        {
            var recall = ks.ToDictionary(k => k, _ => 0.0);
            double mrr = 0, ndcg = 0;
            foreach (var c in cases)
            {
                var hits = await search(c.Question, mode, depth);
                // A result is identified by what the case names: its chunk, or else its document.
                var byChunk = c.RelevantChunkIds is { Length: > 0 };
                var ranked = hits.Select(h => byChunk ? h.ChunkId.ToString() : h.DocumentId.ToString()).ToList();
                var relevant = (byChunk ? c.RelevantChunkIds!.Select(i => i.ToString()) : (c.RelevantDocumentIds ?? []).Select(i => i.ToString())).ToHashSet();
                foreach (var k in ks) recall[k] += RetrievalMetrics.RecallAt(ranked, relevant, k);
                mrr += RetrievalMetrics.ReciprocalRankAt(ranked, relevant, 10);
                ndcg += RetrievalMetrics.NdcgAt(ranked, relevant, 10);
            }
            var n = Math.Max(cases.Count, 1);
            reports.Add(new ModeReport(mode, cases.Count, recall.ToDictionary(r => r.Key, r => r.Value / n), mrr / n, ndcg / n));
        }
        return reports;
    }

    /// <summary>Reads JSON lines: <c>{"question": "…", "relevantChunkIds": [1, 2], "relevantDocumentIds": ["…"]}</c>.</summary>
    public static List<EvalCase> ReadJsonLines(TextReader reader)
    {
        var cases = new List<EvalCase>();
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        for (var (line, number) = (reader.ReadLine(), 1); line is not null; line = reader.ReadLine(), number++)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var c = JsonSerializer.Deserialize<EvalCase>(line, options);
            if (c is null || string.IsNullOrWhiteSpace(c.Question) || (c.RelevantChunkIds is not { Length: > 0 } && c.RelevantDocumentIds is not { Length: > 0 }))
                throw new FormatException($"Line {number}: a case needs a question and relevantChunkIds or relevantDocumentIds.");
            cases.Add(c);
        }
        return cases;
    }

    public static string Format(IReadOnlyList<ModeReport> reports)
    {
        var ks = reports.SelectMany(r => r.RecallAtK.Keys).Distinct().Order().ToList();
        var lines = new List<string>
        {
            "| mode | questions | " + string.Join(" | ", ks.Select(k => $"recall@{k}")) + " | MRR@10 | nDCG@10 |",
            "| --- | --- | " + string.Join(" | ", ks.Select(_ => "---")) + " | --- | --- |",
        };
        lines.AddRange(reports.Select(r => $"| {r.Mode.ToString().ToLowerInvariant()} | {r.Questions} | "
            + string.Join(" | ", ks.Select(k => r.RecallAtK[k].ToString("F3"))) + $" | {r.Mrr10:F3} | {r.Ndcg10:F3} |"));
        return string.Join('\n', lines);
    }
}
