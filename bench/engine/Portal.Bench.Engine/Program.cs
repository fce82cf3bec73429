// Times training steps of a small decoder LM with Portal's engine. bench/engine/peer.py is the same
// model and loop in PyTorch; run.sh runs both and prints the ratio.
using System.Diagnostics;
using System.Globalization;
using Portal.Ml;
using Portal.Ml.Models;

var options = BenchOptions.Parse(args);
torch.set_num_threads(options.Threads);
torch.manual_seed(0);

if (options.Matmul > 0)
{
    Console.WriteLine(Matmul.Time(options.Matmul, options.Steps));
    return;
}
if (options.Device == "cuda" && !torch.cuda.is_available())
{
    Console.WriteLine("portal device=cuda unavailable: no CUDA device, or a CPU build (GPU nodes build with -p:TorchBackend=cuda)");
    return;
}
var device = options.Device == "cuda" ? torch.CUDA : torch.CPU;
var config = new DecoderConfig(VocabularySize: 1000, ModelDimension: 256, Heads: 4, Layers: 4, MaxSequenceLength: 128);
using var model = new DecoderLanguageModel(config);
model.to(device);

using var data = torch.NewDisposeScope();
var tokens = torch.randint(config.VocabularySize, [options.Batch, config.MaxSequenceLength + 1], device: device);
var inputs = tokens.narrow(1, 0, config.MaxSequenceLength).contiguous();
var targets = tokens.narrow(1, 1, config.MaxSequenceLength).contiguous();
using var optimizer = torch.optim.AdamW(model.parameters(), lr: 3e-4, weight_decay: 0.01);

double lastLoss = 0;
void Step()
{
    using var scope = torch.NewDisposeScope();
    optimizer.zero_grad();
    var loss = model.Loss(inputs, targets);
    loss.backward();
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
    optimizer.step();
    lastLoss = loss.ToDouble();
}

for (var i = 0; i < options.Warmup; i++)
    Step();
var clock = Stopwatch.StartNew();
for (var i = 0; i < options.Steps; i++)
    Step();
if (device.type == DeviceType.CUDA)
    torch.cuda.synchronize();
clock.Stop();

var stepMs = clock.Elapsed.TotalMilliseconds / options.Steps;
var tokensPerSecond = options.Batch * config.MaxSequenceLength / (stepMs / 1000);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"portal device={device} threads={torch.get_num_threads()} steps={options.Steps} step_ms={stepMs:F2} tokens_per_s={tokensPerSecond:F0} loss={lastLoss:F4}"));

internal sealed record BenchOptions(int Threads, int Steps, int Warmup, int Batch, string Device, int Matmul)
{
    internal static BenchOptions Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
        }
        int Number(string name, int fallback) => int.Parse(Value(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        return new(Number("--threads", Environment.ProcessorCount), Number("--steps", 30), Number("--warmup", 5), Number("--batch", 8), Value("--device", "cpu"), Number("--matmul", 0));
    }
}
