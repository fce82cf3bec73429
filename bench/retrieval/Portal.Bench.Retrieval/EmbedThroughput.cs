using System.Diagnostics;
using Portal.Search.Embeddings;

namespace Portal.Bench.Retrieval;

/// <summary>Hashed embedder throughput on one thread over CMRC chunks (~200 characters).</summary>
internal static class EmbedThroughput
{
    public static Task RunAsync()
    {
        var chunks = Cmrc.Load().SelectMany(p => Cmrc.Windows(p.Text)).ToList();
        chunks.AddRange(Scale.Synthetic(new Random(7), chunks.Count));
        var embedder = new HashedNgramEmbedder();
        var buffer = new float[embedder.Dimensions];
        foreach (var c in chunks.Take(2000)) embedder.Embed(c, buffer);
        var watch = Stopwatch.StartNew();
        var rounds = 0;
        while (watch.Elapsed < TimeSpan.FromSeconds(5)) { foreach (var c in chunks) embedder.Embed(c, buffer); rounds++; }
        var perSecond = rounds * chunks.Count / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"hashed-ngram/v2/d384: {perSecond:N0} chunks/s on one thread (avg {chunks.Average(c => c.Length):F0} chars, half CMRC, half synthetic English; target 20,000)");
        return Task.CompletedTask;
    }
}
