using Portal.Ml.Training.Embeddings;
using Portal.Search.Embeddings;

namespace Portal.Ml.Cli.Training;

/// <summary>
/// <c>train embed</c>: contrastive (InfoNCE) fine-tuning of an embedder on FlagEmbedding JSONL. With
/// <c>--base hashed</c> it learns a low-rank projection over the hashed n-gram embedder and writes
/// it where the search host loads tenant projections (<c>Search:ProjectionsDirectory</c>).
/// </summary>
internal sealed class TrainEmbedVerb : ICliVerb
{
    public string Name => "train embed";

    public string Usage => "--base hashed --data FILE.jsonl --out DIR --tenant ID [--version V] [--corpus FILE.txt to mine hard negatives] " +
        "[--mined-out FILE.jsonl] [--temperature 0.02] [--rank 32] [--epochs 10] [--lr 5e-3] [--batch-size 32] [--dimensions 384]";

    public Task<int> RunAsync(CliArguments arguments, TextWriter output, CancellationToken ct)
    {
        var basePath = arguments.Required("base");
        if (basePath != "hashed")
            throw new CliUsageException("only --base hashed is available yet; fine-tuning a BERT encoder directory is not implemented in this command");
        if (arguments.Optional("kb") is not null)
            throw new CliUsageException("--kb needs the web host's database; export the knowledge base's chunks one per line and pass them as --corpus");

        var hashed = new HashedNgramEmbedder(arguments.Int("dimensions", 384));
        var examples = ContrastiveExample.ReadJsonl(arguments.Required("data"));
        if (arguments.Optional("corpus") is { } corpusPath)
        {
            var corpus = File.ReadLines(corpusPath).Where(l => l.Length > 0).Distinct().ToList();
            examples = new HardNegativeMiner().Mine(examples, HardNegativeMiner.InMemory(corpus, hashed.Embed));
            output.WriteLine($"mined hard negatives (ranks 2-200) from {corpus.Count} passages");
            if (arguments.Optional("mined-out") is { } minedPath)
                ContrastiveExample.WriteJsonl(minedPath, examples);
        }

        var options = new ContrastiveOptions
        {
            Temperature = arguments.Double("temperature", 0.02),
            Rank = arguments.Int("rank", 32),
            Epochs = arguments.Int("epochs", 10),
            LearningRate = arguments.Double("lr", 5e-3),
            BatchSize = arguments.Int("batch-size", 32),
        };
        var tenant = arguments.Required("tenant");
        var version = arguments.Optional("version") ?? DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var (projection, result) = new ProjectionTrainer(hashed.Embed, hashed.Dimensions).Train(examples, options, new LineProgress(output), ct);
        using (projection)
        {
            var manifest = ProjectionManifest.Save(arguments.Required("out"), projection, hashed.ModelId, tenant, version, options, result.Steps);
            output.WriteLine($"embedder id: {manifest.ModelId} (set the knowledge base's retrieval.embedder to it, then ./portal search-backfill)");
        }
        CliArguments.WriteSummary(output, new
        {
            steps = result.Steps,
            final_loss = Math.Round(result.FinalLoss, 5),
            seconds = Math.Round(result.Seconds, 2),
            tokens_per_second = Math.Round(result.TextsPerSecond, 1),
        });
        return Task.FromResult(0);
    }
}
