using System.Diagnostics;
using Portal.Documents;
using Portal.Documents.Chunking;
using Portal.Documents.Detection;
using Portal.Documents.Parsing;
using Portal.Documents.Sandbox;

namespace Portal.Bench.Ingestion;

/// <summary>Parses mutated copies of valid seed files through the sandbox and counts how each ended.</summary>
internal static class MutationRun
{
    public static async Task<int> RunAsync(int count)
    {
        using var temp = new TempDirectory();
        var seeds = SeedFiles.All();
        var random = new Random(1_000);
        using var parser = new SandboxedDocumentParser(
            new ParserSandboxOptions { MaxWorkers = 2, WallClockTimeout = TimeSpan.FromSeconds(30), NativeToolTimeoutSeconds = 20 },
            new IngestionLimits { MaxOcrPages = 2 },
            new OcrOptions());

        var outcomes = new (string Seed, string Result)[count];
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (i, ct) =>
        {
            var (name, content) = seeds[i % seeds.Count];
            byte[] mutated;
            lock (random) mutated = Mutator.Mutate(content, random);
            var path = temp.Write($"m{i:D5}-{name}", mutated);
            var outcome = await parser.ParseAsync(path, FormatDetector.DetectFile(path), ct);
            if (outcome.Succeeded)
                Chunker.Chunk(outcome.Document, new ChunkingOptions());
            outcomes[i] = (Path.GetExtension(name), outcome.Succeeded ? "Parsed" : $"Failed: {outcome.Failure!.Reason}");
            File.Delete(path);
        });
        clock.Stop();

        Console.WriteLine($"{count} mutated files in {clock.Elapsed.TotalSeconds:F1} s ({count / clock.Elapsed.TotalSeconds:F1} files/s), host alive");
        foreach (var group in outcomes.GroupBy(o => o.Result).OrderByDescending(g => g.Count()))
            Console.WriteLine($"  {group.Key,-28} {group.Count(),5}   by seed: {string.Join(", ", group.GroupBy(o => o.Seed).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}");
        return outcomes.All(o => o.Result is not null) ? 0 : 1;
    }
}
