using Portal.Ml.Embeddings;
using Portal.Ml.Modules;

namespace Portal.Ml.Training.Embeddings;

public enum EncoderFineTuneMethod { Full, Lora }

/// <summary>
/// Contrastive fine-tuning of a BERT-family encoder. The defaults follow FlagEmbedding's bge recipe
/// (τ = 0.02, linear decay after a 10% warm-up); LoRA uses PEFT's usual r = 8, α = 16.
/// </summary>
public sealed record EncoderFineTuneOptions
{
    public EncoderFineTuneMethod Method { get; init; } = EncoderFineTuneMethod.Lora;

    /// <summary>InfoNCE temperature: logits are cosine / τ.</summary>
    public double Temperature { get; init; } = 0.02;

    /// <summary>Null: 2e-5 for a full fine-tune, 1e-4 for LoRA.</summary>
    public double? LearningRate { get; init; }
    public int Epochs { get; init; } = 1;

    /// <summary>Queries per micro-batch; their positives are each other's in-batch negatives.</summary>
    public int BatchSize { get; init; } = 16;
    public int GradientAccumulation { get; init; } = 1;

    /// <summary>Hard negatives per query in each step (from the example's <c>neg</c> list).</summary>
    public int NegativesPerQuery { get; init; } = 7;

    /// <summary>Tokens per text, [CLS] and [SEP] included; longer texts keep their first tokens and their [SEP].</summary>
    public int MaxLength { get; init; } = 256;
    public double WarmupRatio { get; init; } = 0.1;
    public double WeightDecay { get; init; } = 0.01;
    public double MaxGradNorm { get; init; } = 1.0;
    public int Seed { get; init; } = 42;

    public int Rank { get; init; } = 8;
    public double Alpha { get; init; } = 16;
    public double Dropout { get; init; }

    /// <summary>Linear layers that get adapters: <c>query|key|value|dense</c> (every BERT Linear), or a subset separated by <c>,</c> or <c>|</c>.</summary>
    public string Targets { get; init; } = "query,key,value,dense";

    /// <summary>Null: the directory's <c>1_Pooling/config.json</c>, else CLS (as the embedder will pool at serving time).</summary>
    public Pooling? Pooling { get; init; }

    /// <summary>Prepended to queries (bge's retrieval instruction); the same text must be set on the serving embedder.</summary>
    public string? QueryInstruction { get; init; }

    /// <summary>Prepended to passages (e5's "passage: ").</summary>
    public string? PassagePrefix { get; init; }

    /// <summary>Checkpoints go here (after every epoch and every <see cref="CheckpointEvery"/> steps); null disables them.</summary>
    public string? CheckpointDirectory { get; init; }
    public int CheckpointEvery { get; init; }
    public bool Resume { get; init; }

    /// <summary>Stops after this many optimiser steps (a planned interruption; the schedule still spans the whole run).</summary>
    public long? StopAfterStep { get; init; }

    public Device Device { get; init; } = torch.CPU;

    internal double EffectiveLearningRate => LearningRate ?? (Method == EncoderFineTuneMethod.Full ? 2e-5 : 1e-4);

    public LoraOptions ToLoraOptions() => new() { Rank = Rank, Alpha = Alpha, Dropout = Dropout, TargetModules = Targets.Replace(',', '|') };
}

public sealed record EncoderFineTuneResult(
    long Steps,
    double FinalLoss,
    double Seconds,
    double TokensPerSecond,
    IReadOnlyList<double> LossCurve,
    IReadOnlyList<string> TargetModules,
    long? ResumedFromStep);
