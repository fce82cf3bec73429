using System.Text.Json;
using Portal.Ml.Checkpoints;
using Portal.Ml.Embeddings;
using Portal.Ml.Models;
using Portal.Ml.Modules;
using Portal.Ml.Optim;
using Portal.Ml.Tokenizers;
using Portal.Ml.Training.Lora;

namespace Portal.Ml.Training.Embeddings;

/// <summary>
/// Contrastive fine-tuning of a BERT-family encoder (bge, MiniLM, e5) with InfoNCE: each query's
/// positive against the micro-batch's other positives (in-batch negatives) and every query's hard
/// negatives, logits = cosine / τ. Full (every weight) or LoRA (adapters on the named Linear layers,
/// the rest frozen). AdamW, linear warm-up then linear decay, gradient accumulation, and checkpoints
/// of the trained weights + optimiser + step. The data order is a function of (seed, epoch) and the
/// sampled positive and negatives of a (seed, step), so a resumed run retraces the original one.
/// </summary>
public sealed class EncoderContrastiveTrainer(IEncoderModel encoder, ITokenizer tokenizer, Pooling pooling)
{
    public IEncoderModel Encoder => encoder;

    public EncoderFineTuneResult Train(IReadOnlyList<ContrastiveExample> examples, EncoderFineTuneOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        if (examples.Count == 0)
            throw new InvalidOperationException("there are no training examples");
        var root = encoder.Root;
        IReadOnlyList<string> targets = [];
        Dictionary<string, Tensor> trained;
        if (options.Method == EncoderFineTuneMethod.Lora)
        {
            targets = root.named_modules().Any(m => m.module is LoRALinear)
                ? root.named_modules().Where(m => m.module is LoRALinear).Select(m => m.name).ToList()
                : LoraInjection.Apply(root, options.ToLoraOptions());
            if (targets.Count == 0)
                throw new InvalidOperationException($"no Linear layer matches the targets '{options.Targets}'");
            trained = LoraSftTrainer.AdapterParameters(root);
        }
        else
        {
            foreach (var parameter in root.parameters())
                parameter.requires_grad = true;
            trained = root.state_dict();
        }
        // After injection, so new adapters move too (in place: the tensors above keep their identity).
        root.to(options.Device);

        var plan = new StepPlan(examples.Count, options.BatchSize, options.GradientAccumulation, options.Seed);
        var totalSteps = (long)plan.StepsPerEpoch * options.Epochs;
        var learningRate = options.EffectiveLearningRate;
        var schedule = new LearningRateSchedule(learningRate, WarmupSteps: (int)Math.Max(1, Math.Ceiling(totalSteps * options.WarmupRatio)),
            TotalSteps: (int)totalSteps, Decay: DecayShape.Linear);
        using var optimizer = torch.optim.AdamW(trained.Values, lr: learningRate, weight_decay: options.WeightDecay);

        var view = new ParameterView(trained);
        var store = options.CheckpointDirectory is { } dir ? new CheckpointStore(dir) : null;
        var resumedFrom = TrainingRun.Begin(store, view, optimizer, new TrainerState(options.Method.ToString(), options.Seed, options.BatchSize,
            options.GradientAccumulation, options.Epochs, examples.Count, options.Rank, options.Targets), options.Resume);
        var firstStep = resumedFrom ?? 0;

        var meter = new ThroughputMeter(firstStep, totalSteps);
        var losses = new List<double>();
        var lastStep = options.StopAfterStep is { } stop ? Math.Min(stop, totalSteps) : totalSteps;
        root.train();
        for (var step = firstStep; step < lastStep; step++)
        {
            ct.ThrowIfCancellationRequested();
            var epoch = plan.Epoch(step);
            var microBatches = plan.MicroBatches(examples, step);
            var sampler = new Random(unchecked(options.Seed * 7_919 + (int)step));

            torch.manual_seed(unchecked(options.Seed * 7_919L + step));
            var rate = schedule.Apply(optimizer, step);
            optimizer.zero_grad();
            var stepLoss = 0.0;
            foreach (var batch in microBatches)
            {
                using var scope = torch.NewDisposeScope();
                var (loss, tokens) = BatchLoss(batch, options, sampler);
                loss = loss.div(microBatches.Count);
                loss.backward();
                stepLoss += loss.ToDouble();
                meter.Add(tokens);
            }
            torch.nn.utils.clip_grad_norm_(trained.Values, options.MaxGradNorm);
            optimizer.step();
            losses.Add(stepLoss);

            var endOfEpoch = plan.EndsEpoch(step);
            progress?.Report(new TrainingProgress(step + 1, totalSteps, epoch + 1, stepLoss, rate, meter.TokensPerSecond, meter.Eta(step)));
            if (store is not null && (endOfEpoch || (options.CheckpointEvery > 0 && (step + 1) % options.CheckpointEvery == 0)))
                store.Save(step + 1, view, optimizer);
        }

        root.eval();
        foreach (var parameter in root.parameters())
            parameter.requires_grad = false;
        return new EncoderFineTuneResult(lastStep, losses.LastOrDefault(double.NaN), meter.Seconds, meter.TokensPerSecond, losses, targets, resumedFrom);
    }

    /// <summary>InfoNCE over one micro-batch: candidates are one sampled positive per query, then each query's sampled hard negatives.</summary>
    private (Tensor loss, long tokens) BatchLoss(IReadOnlyList<ContrastiveExample> batch, EncoderFineTuneOptions options, Random sampler)
    {
        var queries = batch.Select(e => options.QueryInstruction + e.Query).ToList();
        var candidates = batch.Select(e => e.Positives[sampler.Next(e.Positives.Count)]).ToList();
        foreach (var example in batch)
        {
            var negatives = example.Negatives.ToArray();
            sampler.Shuffle(negatives);
            candidates.AddRange(negatives.Take(options.NegativesPerQuery));
        }
        candidates = candidates.Select(c => options.PassagePrefix + c).ToList();

        var (q, queryTokens) = Embed(queries, options.MaxLength, options.Device);
        var (c, candidateTokens) = Embed(candidates, options.MaxLength, options.Device);
        var logits = q.matmul(c.t()).div(options.Temperature);
        var labels = torch.arange(batch.Count).to(options.Device);
        return (torch.nn.functional.cross_entropy(logits, labels), queryTokens + candidateTokens);
    }

    /// <summary>Pooled, L2-normalised embeddings [n, H] with gradients; also the number of real tokens.</summary>
    public (Tensor embeddings, long tokens) Embed(IReadOnlyList<string> texts, int maxLength, Device device)
    {
        var ids = texts.Select(t => Truncate(tokenizer.Encode(t, addSpecialTokens: true), maxLength)).ToList();
        var length = ids.Max(i => i.Count);
        var pad = tokenizer.PadTokenId ?? 0;
        var idData = new long[ids.Count * length];
        var maskData = new long[ids.Count * length];
        for (var row = 0; row < ids.Count; row++)
            for (var t = 0; t < length; t++)
            {
                var real = t < ids[row].Count;
                idData[row * length + t] = real ? ids[row][t] : pad;
                maskData[row * length + t] = real ? 1 : 0;
            }
        var inputIds = torch.tensor(idData, [ids.Count, length]).to(device);
        var mask = torch.tensor(maskData, [ids.Count, length]).to(device);
        var hidden = encoder.Forward(inputIds, mask);
        Tensor pooled;
        if (pooling == Pooling.Cls)
            pooled = hidden.narrow(1, 0, 1).squeeze(1);
        else
        {
            var weights = mask.to(torch.float32).unsqueeze(-1);
            pooled = hidden.mul(weights).sum(1).div(weights.sum(1).clamp_min(1e-9));
        }
        var normalised = pooled.div(pooled.square().sum(-1, keepdim: true).add(1e-12).sqrt());
        return (normalised, ids.Sum(i => (long)i.Count));
    }

    private static IReadOnlyList<int> Truncate(IReadOnlyList<int> ids, int maxLength) =>
        ids.Count <= maxLength ? ids : [.. ids.Take(maxLength - 1), ids[^1]]; // keep [SEP] last

    private sealed record TrainerState(string Method, int Seed, int BatchSize, int GradientAccumulation, int Epochs, int TrainExamples, int Rank, string Targets);
}
