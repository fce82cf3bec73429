using System.Text.Json;
using Portal.Ml.Checkpoints;
using Portal.Ml.Modules;
using Portal.Ml.Optim;
using Portal.Ml.Tokenizers;

namespace Portal.Ml.Training.Lora;

/// <summary>
/// LoRA supervised fine-tuning: injects adapters into the target Linear layers, trains only their
/// A/B matrices on answer tokens (prompt labels are -100), evaluates a held-out split each epoch and
/// checkpoints adapters + optimiser + step. The data order is a function of (seed, epoch) and the
/// RNG is reseeded from (seed, step) before every step, so a resumed run retraces the original one.
/// </summary>
public sealed class LoraSftTrainer(TrainableLanguageModel model, ITokenizer tokenizer, IPromptFormat format)
{
    public LoraSftResult Train(IReadOnlyList<InstructionExample> examples, LoraSftOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        var maxLength = Math.Min(options.MaxLength, model.MaxSequenceLength);
        var tokenized = examples.Select(e => SupervisedBatches.Tokenize(e, tokenizer, format, maxLength)).OfType<TokenizedExample>().ToList();
        if (tokenized.Count == 0)
            throw new InvalidOperationException("no example has an answer token within the maximum length");
        var (train, eval) = Split(tokenized, options.EffectiveEvalSplit(tokenized.Count), options.Seed);

        if (options.Device.type == DeviceType.CUDA && options.Bf16)
            model.Model.to(torch.bfloat16);
        model.Model.to(options.Device);
        var targets = model.Model.named_modules().Any(m => m.module is LoRALinear)
            ? model.Model.named_modules().Where(m => m.module is LoRALinear).Select(m => m.name).ToList()
            : LoraInjection.Apply(model.Model, options.ToLoraOptions());
        if (targets.Count == 0)
            throw new InvalidOperationException($"no Linear layer matches the targets '{options.Targets}'");
        var adapterParameters = AdapterParameters(model.Model);
        // LoRA matrices train in f32 even when the frozen base is bf16 (see LoraSftOptions.Bf16).
        foreach (var parameter in adapterParameters.Values)
            parameter.MoveInPlace(ScalarType.Float32, options.Device);

        var plan = new StepPlan(train.Count, options.BatchSize, options.GradientAccumulation, options.Seed);
        var totalSteps = (long)plan.StepsPerEpoch * options.Epochs;
        var schedule = new LearningRateSchedule(options.LearningRate, WarmupSteps: (int)Math.Max(1, Math.Ceiling(totalSteps * options.WarmupRatio)),
            TotalSteps: (int)totalSteps, Decay: DecayShape.Linear);

        using var optimizer = torch.optim.AdamW(adapterParameters.Values, lr: options.LearningRate, weight_decay: options.WeightDecay);
        var view = new ParameterView(adapterParameters);
        var store = options.CheckpointDirectory is { } dir ? new CheckpointStore(dir) : null;
        var resumedFrom = TrainingRun.Begin(store, view, optimizer,
            new TrainerState(options.Seed, options.BatchSize, options.GradientAccumulation, options.Epochs, train.Count, options.Rank, options.Targets), options.Resume);
        var firstStep = resumedFrom ?? 0;

        var pad = tokenizer.PadTokenId ?? tokenizer.EosTokenId ?? 0;
        var meter = new ThroughputMeter(firstStep, totalSteps);
        var losses = new List<double>();
        double? evalLoss = null;
        var lastStep = options.StopAfterStep is { } stop ? Math.Min(stop, totalSteps) : totalSteps;
        model.Model.train();
        for (var step = firstStep; step < lastStep; step++)
        {
            ct.ThrowIfCancellationRequested();
            var epoch = plan.Epoch(step);
            var microBatches = plan.MicroBatches(train, step);

            torch.manual_seed(unchecked(options.Seed * 7_919L + step));
            var learningRate = schedule.Apply(optimizer, step);
            optimizer.zero_grad();
            var stepLoss = 0.0;
            foreach (var batch in microBatches)
            {
                using var scope = torch.NewDisposeScope();
                var loss = BatchLoss(batch, pad, options.Device).div(microBatches.Count);
                loss.backward();
                stepLoss += loss.ToDouble();
                meter.Add(batch.Sum(e => e.InputIds.Length));
            }
            torch.nn.utils.clip_grad_norm_(adapterParameters.Values, options.MaxGradNorm);
            optimizer.step();
            losses.Add(stepLoss);

            var endOfEpoch = plan.EndsEpoch(step);
            if (endOfEpoch && eval.Count > 0)
                evalLoss = EvalLoss(eval, pad, options);
            progress?.Report(new TrainingProgress(step + 1, totalSteps, epoch + 1, stepLoss, learningRate, meter.TokensPerSecond, meter.Eta(step),
                endOfEpoch && eval.Count > 0 ? evalLoss : null));
            if (store is not null && (endOfEpoch || (options.CheckpointEvery > 0 && (step + 1) % options.CheckpointEvery == 0)))
                store.Save(step + 1, view, optimizer);
        }

        model.Model.eval();
        return new LoraSftResult(lastStep, losses.LastOrDefault(double.NaN), evalLoss, meter.Seconds, meter.TokensPerSecond, losses, targets, resumedFrom);
    }

    /// <summary>Mean cross-entropy over the batch's answer tokens (logits upcast to f32 for a bf16 base).</summary>
    public Tensor BatchLoss(IReadOnlyList<TokenizedExample> batch, int pad, Device device)
    {
        var (inputs, labels) = SupervisedBatches.Collate(batch, pad, device);
        var logits = model.Logits(inputs);
        if (logits.dtype != ScalarType.Float32)
            logits = logits.to(ScalarType.Float32);
        return torch.nn.functional.cross_entropy(logits.view(-1, model.VocabularySize), labels.view(-1), TokenizedExample.IgnoreIndex);
    }

    private double EvalLoss(IReadOnlyList<TokenizedExample> eval, int pad, LoraSftOptions options)
    {
        model.Model.eval();
        using var noGrad = torch.no_grad();
        double weighted = 0;
        long tokens = 0;
        foreach (var batch in eval.Chunk(options.BatchSize))
        {
            using var scope = torch.NewDisposeScope();
            var count = batch.Sum(e => e.SupervisedTokens);
            weighted += BatchLoss(batch, pad, options.Device).ToDouble() * count;
            tokens += count;
        }
        model.Model.train();
        return tokens == 0 ? double.NaN : weighted / tokens;
    }

    internal static (List<TokenizedExample> train, List<TokenizedExample> eval) Split(List<TokenizedExample> all, double fraction, int seed)
    {
        var evalCount = fraction <= 0 ? 0 : Math.Clamp((int)Math.Round(all.Count * fraction), 1, all.Count - 1);
        var order = SupervisedBatches.EpochOrder(all.Count, seed, epoch: -1);
        var evalSet = order.Take(evalCount).ToHashSet();
        return (all.Where((_, i) => !evalSet.Contains(i)).ToList(), all.Where((_, i) => evalSet.Contains(i)).ToList());
    }

    /// <summary>The LoRA A/B matrices by qualified name (<c>blocks.0.attn.q_proj.lora_A</c>).</summary>
    public static Dictionary<string, Tensor> AdapterParameters(Module root) =>
        root.named_parameters().Where(p => p.name.EndsWith(".lora_A", StringComparison.Ordinal) || p.name.EndsWith(".lora_B", StringComparison.Ordinal))
            .ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);

    private sealed record TrainerState(int Seed, int BatchSize, int GradientAccumulation, int Epochs, int TrainExamples, int Rank, string Targets);
}
