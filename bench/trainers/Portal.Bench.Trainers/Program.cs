using System.Globalization;
using Portal.Ml;
using Portal.Ml.Models;
using Portal.Ml.Tokenizers;
using Portal.Ml.Training.Lora;

// LoRA SFT throughput through the real trainer: decoder d=256, 4 layers, 4 heads, byte vocabulary (259),
// 128-token sequences (64 prompt tokens masked, 64 answer tokens learnt), batch 4, all-linear r=8 α=16,
// dropout 0.05, AdamW lr 2e-4, clipping 1.0. Prints one line: step_ms=… tokens_per_second=….
var arguments = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => args[p.i + 1]);
int Arg(string name, int fallback) => arguments.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var steps = Arg("steps", 10);
var warmup = Arg("warmup", 2);
var batch = Arg("batch", 4);
torch.set_num_threads(Arg("threads", Environment.ProcessorCount));
torch.manual_seed(0);
var device = arguments.GetValueOrDefault("device") == "cuda" ? torch.CUDA : torch.CPU;

using var decoder = new DecoderLanguageModel(new DecoderConfig(259, 256, 4, 4, 128));
var random = new Random(0);
string Text() => new(Enumerable.Range(0, 64).Select(_ => (char)random.Next('a', 'z' + 1)).ToArray());
var examples = Enumerable.Range(0, batch * (steps + warmup)).Select(_ => new InstructionExample(Text(), "", Text())).ToList();

var progress = new List<double>();
var clock = new System.Diagnostics.Stopwatch();
var trainer = new LoraSftTrainer(TrainableLanguageModel.From(decoder), new ByteTokenizer(), new RawFormat());
var result = trainer.Train(examples, new LoraSftOptions { Epochs = 1, BatchSize = batch, MaxLength = 128, EvalSplit = 0, Device = device },
    new StepTimer(warmup, clock));
var timedSeconds = clock.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"portal: step_ms={timedSeconds * 1000 / steps:F2} tokens_per_second={steps * batch * 128 / timedSeconds:F1} final_loss={result.FinalLoss:F4}"));

internal sealed class RawFormat : IPromptFormat
{
    public string Prompt(string instruction, string input) => instruction[..63];
}

/// <summary>Starts the clock after the warm-up steps.</summary>
internal sealed class StepTimer(int warmup, System.Diagnostics.Stopwatch clock) : IProgress<Portal.Ml.Training.TrainingProgress>
{
    public void Report(Portal.Ml.Training.TrainingProgress value)
    {
        if (value.Step == warmup)
            clock.Restart();
    }
}
