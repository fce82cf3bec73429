using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Documents;
using Portal.Search;
using Portal.Search.Evaluation;

namespace Portal.Bench.Retrieval;

internal sealed record Passage(string Id, string Text, List<(string Question, string[] Answers)> Questions);

/// <summary>
/// CMRC 2018 dev: every passage in one knowledge base as ~200-character chunks (50 overlap), every
/// question asked in each mode. A question is answered at k when a top-k chunk contains a gold answer.
/// </summary>
internal static class Cmrc
{
    public const int ChunkSize = 200, Overlap = 50;

    public static List<Passage> Load()
    {
        // The repository's sibling shared/ folder; a git worktree elsewhere names it with CMRC_PATH.
        var path = Environment.GetEnvironmentVariable("CMRC_PATH") is { Length: > 0 } configured ? configured
            : Path.Combine(BenchDatabase.Root(), "../shared/datasets/cmrc2018/cmrc2018_dev.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.EnumerateArray().Select(p => new Passage(p.GetProperty("context_id").GetString()!, p.GetProperty("context_text").GetString()!,
            p.GetProperty("qas").EnumerateArray().Select(q => (q.GetProperty("query_text").GetString()!,
                q.GetProperty("answers").EnumerateArray().Select(a => a.ValueKind == JsonValueKind.String ? a.GetString()! : a.GetRawText()).Where(a => a.Length > 0).Distinct().ToArray())).ToList())).ToList();
    }

    public static IEnumerable<string> Windows(string text)
    {
        for (var start = 0; ; start += ChunkSize - Overlap)
        {
            yield return text.Substring(start, Math.Min(ChunkSize, text.Length - start));
            if (start + ChunkSize >= text.Length) yield break;
        }
    }

    public static async Task RunAsync()
    {
        var passages = Load();
        await using var bench = await BenchDatabase.CreateAsync("cmrc");
        var tenant = Guid.CreateVersion7();
        var kb = Guid.CreateVersion7();
        await bench.ExecAsync($"INSERT INTO tenants (id, name) VALUES ('{tenant}', 'cmrc'); INSERT INTO knowledge_bases (id, tenant_id, name) VALUES ('{kb}', '{tenant}', 'cmrc')");

        var watch = Stopwatch.StartNew();
        var docOfPassage = new Dictionary<string, Guid>();
        var chunkCount = 0;
        foreach (var batch in passages.Chunk(50))
        {
            await bench.InTenantAsync(tenant, async (db, sp) =>
            {
                var chunks = new List<Chunk>();
                foreach (var p in batch)
                {
                    var doc = Guid.CreateVersion7();
                    docOfPassage[p.Id] = doc;
                    db.Documents.Add(new Document { Id = doc, TenantId = tenant, KnowledgeBaseId = kb, Name = p.Id, Format = "text",
                        ContentHash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(doc.ToByteArray())).ToLowerInvariant(),
                        BlobKey = p.Id, Status = DocumentStatus.Indexed, ActiveVersion = 1, CreatedBy = "bench" });
                    chunks.AddRange(Windows(p.Text).Select((w, i) => new Chunk { TenantId = tenant, KnowledgeBaseId = kb, DocumentId = doc, DocumentVersion = 1,
                        ChunkIndex = i, Text = w, SourceName = p.Id, SourceType = "text", Language = "zh", TokenCount = w.Length, ContentHash = new string('0', 64) }));
                }
                db.Chunks.AddRange(chunks);
                await db.SaveChangesAsync();
                foreach (var indexer in sp.GetServices<IChunkIndexer>()) await indexer.IndexAsync(db, kb, chunks, CancellationToken.None);
                chunkCount += chunks.Count;
                return 0;
            });
        }
        Console.WriteLine($"indexed {passages.Count} passages as {chunkCount} chunks in {watch.Elapsed.TotalSeconds:F1} s (through both IChunkIndexers)");

        var questions = passages.SelectMany(p => p.Questions.Select(q => (p.Id, q.Question, q.Answers))).Where(q => q.Answers.Length > 0).ToList();
        Console.WriteLine($"{questions.Count} questions");

        // Each leg once, 40 deep (the pool hybrid fuses for k 10); its top 10 is the leg's own result.
        // Quality runs 4 questions at a time; latency is a separate sequential sample of 300 questions.
        var legs = new Dictionary<SearchMode, List<IReadOnlyList<SearchHit>>>();
        var latencies = new Dictionary<SearchMode, List<double>>();
        foreach (var mode in new[] { SearchMode.Keyword, SearchMode.Vector, SearchMode.Hybrid })
        {
            var results = new IReadOnlyList<SearchHit>[questions.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, questions.Count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
                results[i] = await bench.SearchAsync(tenant, new SearchQuery(questions[i].Question) { Mode = mode, TopK = mode == SearchMode.Hybrid ? 10 : 40 }));
            legs[mode] = results.ToList();
            latencies[mode] = [];
            foreach (var (_, question, _) in questions.Where((_, i) => i % 10 == 0).Take(300))
            {
                var t = Stopwatch.GetTimestamp();
                await bench.SearchAsync(tenant, new SearchQuery(question) { Mode = mode, TopK = 10 });
                latencies[mode].Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
            Console.WriteLine($"{mode.ToString().ToLowerInvariant()}: done");
        }
        var text = legs.Values.SelectMany(l => l).SelectMany(h => h).DistinctBy(h => h.ChunkId).ToDictionary(h => h.ChunkId, h => (h.Text, h.DocumentId));
        var all = Enumerable.Range(0, questions.Count).ToList();
        Metrics Score(IReadOnlyList<int> subset, Func<int, IReadOnlyList<long>> ranked)
        {
            double hit1 = 0, hit5 = 0, mrr = 0, p1 = 0, p5 = 0;
            foreach (var i in subset)
            {
                var (passageId, _, answers) = questions[i];
                var ids = ranked(i).Take(10).ToList();
                var answered = ids.Select(id => answers.Any(a => text[id].Text.Contains(a, StringComparison.Ordinal)) ? 1 : 0).ToList();
                var gold = new HashSet<int> { 1 };
                hit1 += RetrievalMetrics.HitAt(answered, gold, 1);
                hit5 += RetrievalMetrics.HitAt(answered, gold, 5);
                mrr += RetrievalMetrics.ReciprocalRankAt(answered, gold, 10);
                var docs = ids.Select(id => text[id].DocumentId).ToList();
                var goldDoc = new HashSet<Guid> { docOfPassage[passageId] };
                p1 += RetrievalMetrics.HitAt(docs, goldDoc, 1);
                p5 += RetrievalMetrics.HitAt(docs, goldDoc, 5);
            }
            var n = Math.Max(1, subset.Count);
            return new Metrics(hit1 / n, hit5 / n, mrr / n, p1 / n, p5 / n);
        }

        Console.WriteLine("| mode | answer hit@1 | hit@5 | MRR@10 | passage recall@1 | passage recall@5 | p50 ms | p95 ms |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var (mode, results) in legs)
        {
            var m = Score(all, i => results[i].Select(h => h.ChunkId).ToList());
            var sorted = latencies[mode].Order().ToList();
            Console.WriteLine($"| {mode.ToString().ToLowerInvariant()} | {m} | {sorted[sorted.Count / 2]:F1} | {sorted[sorted.Count * 95 / 100]:F1} |");
        }
        FusionTuning.Run(questions.Select(q => q.Id).ToList(), legs[SearchMode.Keyword], legs[SearchMode.Vector], Score);
        Reference(passages, questions);
    }

    internal sealed record Metrics(double Hit1, double Hit5, double Mrr, double Passage1, double Passage5)
    {
        public override string ToString() => $"{Hit1:F3} | {Hit5:F3} | {Mrr:F3} | {Passage1:F3} | {Passage5:F3}";
    }

    /// <summary>The reference: plain BM25 (k1 1.2, b 0.75) over character bigrams, whole passages as documents, in memory.</summary>
    private static void Reference(List<Passage> passages, List<(string Id, string Question, string[] Answers)> questions)
    {
        static List<string> Bigrams(string s) => Enumerable.Range(0, Math.Max(0, s.Length - 1)).Select(i => s.Substring(i, 2)).ToList();
        var docs = passages.Select(p => Bigrams(p.Text).GroupBy(b => b).ToDictionary(g => g.Key, g => g.Count())).ToList();
        var lengths = passages.Select(p => Math.Max(0, p.Text.Length - 1)).ToList();
        var avgdl = lengths.Average();
        var df = docs.SelectMany(d => d.Keys).GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
        double r1 = 0, r5 = 0, mrr = 0;
        foreach (var (id, question, _) in questions)
        {
            var q = Bigrams(question);
            var scores = docs.Select((d, i) => (i, q.Sum(t => d.TryGetValue(t, out var tf)
                ? Math.Log(1 + (docs.Count - df[t] + 0.5) / (df[t] + 0.5)) * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * lengths[i] / avgdl)) : 0)))
                .OrderByDescending(s => s.Item2).ThenBy(s => s.i).Select(s => passages[s.i].Id).ToList();
            var gold = new HashSet<string> { id };
            r1 += RetrievalMetrics.HitAt(scores, gold, 1);
            r5 += RetrievalMetrics.HitAt(scores, gold, 5);
            mrr += RetrievalMetrics.ReciprocalRankAt(scores, gold, 10);
        }
        Console.WriteLine($"reference BM25 over character bigrams, passage level: recall@1 {r1 / questions.Count:F3}, recall@5 {r5 / questions.Count:F3}, MRR@10 {mrr / questions.Count:F3}");
    }
}
