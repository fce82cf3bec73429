using Portal.Ml.Adapters;
using Portal.Ml.Models;
using Portal.Ml.Models.HuggingFace;
using Portal.Ml.Tokenizers;
using Portal.Ml.Training;
using Portal.Ml.Training.Lora;

namespace Portal.Ml.Cli.Training;

/// <summary><c>train lora</c>: LoRA SFT on alpaca JSONL, writing a PEFT adapter (adapter_model.safetensors + adapter_config.json).</summary>
internal sealed class TrainLoraVerb : ICliVerb
{
    public string Name => "train lora";

    public string Usage => "--base DIR --data FILE.jsonl --out ADAPTER_DIR [--rank 8] [--alpha 16] [--dropout 0.05] [--lr 2e-4] [--epochs 3] " +
        "[--batch-size 4] [--grad-accum 1] [--max-length 512] [--targets all-linear|q_proj,v_proj] [--eval-split 0.1] [--seed 42] [--resume]";

    public Task<int> RunAsync(CliArguments arguments, TextWriter output, CancellationToken ct)
    {
        var basePath = arguments.Required("base");
        var outDirectory = arguments.Required("out");
        var examples = InstructionExample.ReadJsonl(arguments.Required("data"));
        var device = CliDevice.FromEnvironment();
        var options = new LoraSftOptions
        {
            Rank = arguments.Int("rank", 8),
            Alpha = arguments.Double("alpha", 16),
            Dropout = arguments.Double("dropout", 0.05),
            LearningRate = arguments.Double("lr", 2e-4),
            Epochs = arguments.Int("epochs", 3),
            BatchSize = arguments.Int("batch-size", 4),
            GradientAccumulation = arguments.Int("grad-accum", 1),
            MaxLength = arguments.Int("max-length", 512),
            Targets = arguments.Optional("targets") ?? "all-linear",
            EvalSplit = arguments.Optional("eval-split") is null ? null : arguments.Double("eval-split", 0.1),
            Seed = arguments.Int("seed", 42),
            CheckpointDirectory = Path.Combine(outDirectory, "checkpoints"),
            Resume = arguments.Flag("resume"),
            Device = device,
        };

        using var loaded = LoadBase(basePath);
        output.WriteLine($"base {basePath} ({loaded.Model.Name}); {examples.Count} examples; device {device}; rank {options.Rank}, alpha {options.Alpha}, targets {options.Targets}");
        var trainer = new LoraSftTrainer(loaded.Model, loaded.Tokenizer, loaded.Format);
        var result = trainer.Train(examples, options, new LineProgress(output), ct);
        PeftAdapterFormat.Save(outDirectory, loaded.Model.Model, basePath);
        output.WriteLine($"adapter: {Path.Combine(outDirectory, PeftAdapterFormat.WeightsFile)} ({result.TargetModules.Count} modules)");
        CliArguments.WriteSummary(output, new
        {
            steps = result.Steps,
            final_loss = Math.Round(result.FinalLoss, 5),
            eval_loss = result.FinalEvalLoss is { } e ? Math.Round(e, 5) : (double?)null,
            seconds = Math.Round(result.Seconds, 2),
            tokens_per_second = Math.Round(result.TokensPerSecond, 1),
            resumed_from_step = result.ResumedFromStep,
        });
        return Task.FromResult(0);
    }

    /// <summary>The engine's own decoder folder (byte tokenizer, plain template) or a Hugging Face folder (its tokenizer and chat template).</summary>
    private static LoadedBase LoadBase(string path)
    {
        if (DecoderModelDirectory.IsDecoderDirectory(path))
        {
            var decoder = DecoderModelDirectory.Load(path);
            return new LoadedBase(TrainableLanguageModel.From(decoder, "portal decoder"), new ByteTokenizer(), PlainPromptFormat.Instance, decoder);
        }
        var directory = HuggingFaceModelDirectory.Load(path);
        var model = directory.RequireCausalLanguageModel();
        IPromptFormat format = directory.ChatTemplate is { } template ? new ChatTemplatePromptFormat(template) : PlainPromptFormat.Instance;
        return new LoadedBase(TrainableLanguageModel.From(model, directory.ModelType), directory.Tokenizer, format, directory);
    }

    private sealed record LoadedBase(TrainableLanguageModel Model, ITokenizer Tokenizer, IPromptFormat Format, IDisposable Owner) : IDisposable
    {
        public void Dispose() => Owner.Dispose();
    }
}

/// <summary>Prints one line per step (synchronously, so lines keep their order).</summary>
internal sealed class LineProgress(TextWriter output) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        output.WriteLine(value.ToLogLine());
        output.Flush();
    }
}
