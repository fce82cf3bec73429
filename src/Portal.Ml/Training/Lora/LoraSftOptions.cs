using Portal.Ml.Modules;

namespace Portal.Ml.Training.Lora;

/// <summary>LoRA supervised fine-tuning settings; the defaults are the common PEFT/LLaMA-Factory ones.</summary>
public sealed record LoraSftOptions
{
    public int Rank { get; init; } = 8;
    public double Alpha { get; init; } = 16;
    public double Dropout { get; init; } = 0.05;
    public double LearningRate { get; init; } = 2e-4;
    public int Epochs { get; init; } = 3;
    public int BatchSize { get; init; } = 4;
    public int GradientAccumulation { get; init; } = 1;
    public int MaxLength { get; init; } = 512;

    /// <summary><c>all-linear</c>, or layer names separated by <c>,</c> or <c>|</c> (<c>q_proj,v_proj</c>).</summary>
    public string Targets { get; init; } = LoraOptions.AllLinear;

    /// <summary>Held-out fraction; null means 10% when there are at least 20 examples, else none.</summary>
    public double? EvalSplit { get; init; }

    public double WarmupRatio { get; init; } = 0.03;
    public double WeightDecay { get; init; }
    public double MaxGradNorm { get; init; } = 1.0;
    public int Seed { get; init; } = 42;

    /// <summary>Checkpoints go here (after every epoch and every <see cref="CheckpointEvery"/> steps); null disables them.</summary>
    public string? CheckpointDirectory { get; init; }
    public int CheckpointEvery { get; init; }
    public bool Resume { get; init; }

    /// <summary>Stops after this many optimiser steps (a planned interruption; the schedule still spans the whole run).</summary>
    public long? StopAfterStep { get; init; }

    /// <summary>
    /// On CUDA: cast the frozen base weights to bf16 while the LoRA matrices and their optimiser
    /// state stay f32 (no autocast in the engine; <see cref="LoRALinear"/> casts its branch).
    /// </summary>
    public bool Bf16 { get; init; } = true;

    public Device Device { get; init; } = torch.CPU;

    internal double EffectiveEvalSplit(int examples) => EvalSplit ?? (examples >= 20 ? 0.1 : 0.0);

    internal string TargetPattern => Targets.Trim() == LoraOptions.AllLinear ? LoraOptions.AllLinear : Targets.Replace(',', '|');

    public LoraOptions ToLoraOptions() => new() { Rank = Rank, Alpha = Alpha, Dropout = Dropout, TargetModules = TargetPattern };
}

public sealed record LoraSftResult(
    long Steps,
    double FinalLoss,
    double? FinalEvalLoss,
    double Seconds,
    double TokensPerSecond,
    IReadOnlyList<double> LossCurve,
    IReadOnlyList<string> TargetModules,
    long? ResumedFromStep);
