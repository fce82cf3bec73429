using Microsoft.Extensions.Configuration;
using Portal.Ml.Embeddings;
using Portal.Ml.Models.HuggingFace;
using Portal.Ml.Search;
using Portal.Ml.Training.Embeddings;
using Portal.Search.Embeddings;

namespace Portal.Ml.Cli.Training;

/// <summary>
/// <c>train embed</c>: contrastive (InfoNCE) fine-tuning of an embedder on FlagEmbedding JSONL, with hard
/// negatives mined from the tenant's own knowledge base (<c>--kb</c>) or a passage file (<c>--corpus</c>).
/// <c>--base DIR</c> fine-tunes a BERT-family encoder, fully (a new Hugging Face directory) or with LoRA (a PEFT
/// adapter); <c>--base hashed</c> learns a low-rank projection over the hashed n-gram embedder, written where the
/// search host loads tenant projections (<c>Search:ProjectionsDirectory</c>).
/// </summary>
internal sealed class TrainEmbedVerb(IConfiguration? configuration = null) : ICliVerb
{
    public string Name => "train embed";

    public string Usage => "--base DIR|hashed|minilm --data FILE.jsonl --out DIR [--method full|lora] [--tenant ID] [--kb KB_ID | --corpus FILE.txt] " +
        "[--mined-out FILE.jsonl] [--mine-only] [--negatives 7] [--temperature 0.02] [--epochs N] [--lr X] [--batch-size N] [--grad-accum 1] [--max-length 256] " +
        "[--rank 8] [--alpha 16] [--targets query,key,value,dense] [--pooling cls|mean] [--query-instruction TEXT] [--passage-prefix TEXT] " +
        "[--name NAME] [--warmup-ratio 0.1] [--checkpoints DIR (default OUT.checkpoints)] [--checkpoint-every N] [--resume] [--seed 42] [--version V] [--dimensions 384]";

    public async Task<int> RunAsync(CliArguments arguments, TextWriter output, CancellationToken ct)
    {
        var basePath = arguments.Required("base");
        if (basePath == Portal.Ml.Search.MiniLm.MiniLmEmbedder.Id)
            basePath = Portal.Ml.Search.MiniLm.MiniLmModelFiles.EnsureBertDirectory(Portal.Ml.Search.MiniLm.MiniLmModelFiles.ModelsDirectory(null));
        var outDirectory = arguments.Required("out");
        var examples = ContrastiveExample.ReadJsonl(arguments.Required("data"));
        var miner = new HardNegativeMiner(PerQuery: arguments.Int("negatives", 7), Seed: arguments.Int("seed", 42));
        if (arguments.Optional("kb") is not null && arguments.Optional("corpus") is not null)
            throw new CliUsageException("mine from the knowledge base (--kb) or from a passage file (--corpus), not both");

        if (basePath == "hashed")
        {
            var hashed = new HashedNgramEmbedder(arguments.Int("dimensions", 384));
            examples = await MineAsync(arguments, examples, miner, () => HardNegativeMiner.InMemory(Corpus(arguments), hashed.Embed), output, ct);
            return arguments.Flag("mine-only") ? MinedOnly(examples, output) : TrainProjection(arguments, hashed, examples, output, ct);
        }

        if (!File.Exists(Path.Combine(basePath, "config.json")))
            throw new CliUsageException($"--base must be 'hashed', 'minilm' or a Hugging Face BERT directory; {basePath} has no config.json");
        using var directory = HuggingFaceModelDirectory.Load(basePath);
        var encoder = directory.RequireEncoder();
        var options = EncoderOptions(arguments, basePath, outDirectory);
        var pooling = options.Pooling ?? SentenceEmbedder.PoolingFromDirectory(basePath) ?? Pooling.Cls;
        examples = await MineAsync(arguments, examples, miner, () =>
        {
            var embedder = new SentenceEmbedder(encoder, directory.Tokenizer,
                new SentenceEmbedderOptions { QueryInstruction = options.QueryInstruction, PassagePrefix = options.PassagePrefix, MaxTokens = options.MaxLength }, pooling);
            return HardNegativeMiner.InMemory(Corpus(arguments), embedder.EmbedPassages, q => embedder.EmbedQueries([q])[0]);
        }, output, ct);
        if (arguments.Flag("mine-only"))
            return MinedOnly(examples, output);

        output.WriteLine($"base {basePath} (bert, {encoder.Config.HiddenSize}d, {pooling.ToString().ToLowerInvariant()} pooling); {examples.Count} examples; method {options.Method.ToString().ToLowerInvariant()}; " +
            $"device {options.Device}; temperature {options.Temperature}");
        var trainer = new EncoderContrastiveTrainer(encoder, directory.Tokenizer, pooling);
        var result = trainer.Train(examples, options, new LineProgress(output), ct);
        // The id the search host will give it, so the knowledge base can name it before the host restarts.
        var name = arguments.Optional("name") ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(outDirectory)));
        HuggingFaceEmbedderSettings served;
        if (options.Method == EncoderFineTuneMethod.Full)
        {
            EncoderFineTuneOutput.SaveFull(outDirectory, encoder, basePath);
            served = new HuggingFaceEmbedderSettings { Path = Path.GetFullPath(outDirectory) };
            output.WriteLine($"model: {outDirectory}");
        }
        else
        {
            EncoderFineTuneOutput.SaveAdapter(outDirectory, encoder, basePath);
            served = new HuggingFaceEmbedderSettings { Path = Path.GetFullPath(basePath), Adapter = Path.GetFullPath(outDirectory) };
            output.WriteLine($"adapter: {outDirectory} ({result.TargetModules.Count} modules)");
        }
        using (var embedder = new HuggingFaceEmbedder(name, served))
            output.WriteLine($"embedder id: {embedder.ModelId} (Ml:Embedders:{name}:Path = {served.Path}" +
                (served.Adapter is null ? "" : $", Ml:Embedders:{name}:Adapter = {served.Adapter}") +
                (options.QueryInstruction is null ? "" : $", QueryInstruction as trained") + ")");
        CliArguments.WriteSummary(output, new
        {
            steps = result.Steps,
            final_loss = Math.Round(result.FinalLoss, 5),
            seconds = Math.Round(result.Seconds, 2),
            tokens_per_second = Math.Round(result.TokensPerSecond, 1),
            resumed_from_step = result.ResumedFromStep,
        });
        return 0;
    }

    /// <summary><c>--mine-only</c>: the mined file is the result (to inspect or edit before a long run).</summary>
    private static int MinedOnly(List<ContrastiveExample> examples, TextWriter output)
    {
        CliArguments.WriteSummary(output, new { examples = examples.Count, negatives = examples.Sum(e => e.Negatives.Count) });
        return 0;
    }

    private static EncoderFineTuneOptions EncoderOptions(CliArguments arguments, string basePath, string outDirectory)
    {
        var method = arguments.Optional("method") ?? "lora";
        var pooling = arguments.Optional("pooling");
        return new EncoderFineTuneOptions
        {
            Method = method switch
            {
                "full" => EncoderFineTuneMethod.Full,
                "lora" => EncoderFineTuneMethod.Lora,
                _ => throw new CliUsageException($"--method must be full or lora, not '{method}'"),
            },
            Temperature = arguments.Double("temperature", 0.02),
            LearningRate = arguments.Optional("lr") is null ? null : arguments.Double("lr", 0),
            Epochs = arguments.Int("epochs", 1),
            BatchSize = arguments.Int("batch-size", 16),
            GradientAccumulation = arguments.Int("grad-accum", 1),
            NegativesPerQuery = arguments.Int("negatives", 7),
            MaxLength = arguments.Int("max-length", 256),
            WarmupRatio = arguments.Double("warmup-ratio", 0.1),
            Seed = arguments.Int("seed", 42),
            Rank = arguments.Int("rank", 8),
            Alpha = arguments.Double("alpha", 16),
            Targets = arguments.Optional("targets") ?? "query,key,value,dense",
            Pooling = pooling switch
            {
                null => null,
                "cls" => Pooling.Cls,
                "mean" => Pooling.Mean,
                _ => throw new CliUsageException($"--pooling must be cls or mean, not '{pooling}'"),
            },
            QueryInstruction = arguments.Optional("query-instruction"),
            PassagePrefix = arguments.Optional("passage-prefix"),
            CheckpointDirectory = arguments.Optional("checkpoints") ?? Path.TrimEndingDirectorySeparator(Path.GetFullPath(outDirectory)) + ".checkpoints",
            CheckpointEvery = arguments.Int("checkpoint-every", 0),
            Resume = arguments.Flag("resume"),
            Device = CliDevice.FromEnvironment(),
        };
    }

    /// <summary>Adds mined negatives from the knowledge base or the passage file (if either is named) and writes them to --mined-out.</summary>
    private async Task<List<ContrastiveExample>> MineAsync(CliArguments arguments, List<ContrastiveExample> examples, HardNegativeMiner miner,
        Func<Func<string, int, IReadOnlyList<string>>> corpusRanker, TextWriter output, CancellationToken ct)
    {
        List<ContrastiveExample> mined;
        if (arguments.Optional("kb") is { } kb)
        {
            if (!Guid.TryParse(kb, out var knowledgeBaseId))
                throw new CliUsageException($"--kb must be a knowledge base id, not '{kb}'");
            if (!Guid.TryParse(arguments.Optional("tenant"), out var tenantId))
                throw new CliUsageException("--kb needs --tenant with the id of the tenant that owns it");
            mined = await TenantIndexMining.MineAsync(configuration ?? TenantIndexMining.DefaultConfiguration(), examples, tenantId, knowledgeBaseId, miner, ct);
            output.WriteLine($"mined hard negatives (ranks {miner.FromRank}-{miner.ToRank}) from knowledge base {knowledgeBaseId} as tenant {tenantId}");
        }
        else if (arguments.Optional("corpus") is not null)
        {
            mined = miner.Mine(examples, corpusRanker());
            output.WriteLine($"mined hard negatives (ranks {miner.FromRank}-{miner.ToRank}) from {arguments.Optional("corpus")}");
        }
        else if (arguments.Flag("mine-only"))
            throw new CliUsageException("--mine-only needs --kb or --corpus to mine from");
        else
            return examples;
        if (arguments.Optional("mined-out") is { } minedPath)
            ContrastiveExample.WriteJsonl(minedPath, mined);
        return mined;
    }

    private static List<string> Corpus(CliArguments arguments) =>
        File.ReadLines(arguments.Required("corpus")).Where(l => l.Length > 0).Distinct().ToList();

    private static int TrainProjection(CliArguments arguments, HashedNgramEmbedder hashed, List<ContrastiveExample> examples, TextWriter output, CancellationToken ct)
    {
        var options = new ContrastiveOptions
        {
            Temperature = arguments.Double("temperature", 0.02),
            Rank = arguments.Int("rank", 32),
            Epochs = arguments.Int("epochs", 10),
            LearningRate = arguments.Double("lr", 5e-3),
            BatchSize = arguments.Int("batch-size", 32),
            NegativesPerQuery = arguments.Int("negatives", 7),
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
        return 0;
    }
}
