namespace Portal.Ml.Optim;

public enum DecayShape { Cosine, Linear }

/// <summary>
/// Linear warm-up from 0 to <see cref="PeakLearningRate"/> over <see cref="WarmupSteps"/>, then cosine or
/// linear decay to <see cref="MinLearningRate"/> at <see cref="TotalSteps"/> (held there afterwards).
/// Steps count from 0; warm-up reaches the peak on its last step, so step 0 already trains (lr = peak/warmup).
/// </summary>
public sealed record LearningRateSchedule(double PeakLearningRate, int WarmupSteps, int TotalSteps, DecayShape Decay = DecayShape.Cosine,
    double MinLearningRate = 0)
{
    public double At(long step)
    {
        if (step < WarmupSteps)
            return PeakLearningRate * (step + 1) / WarmupSteps;
        var decaySteps = Math.Max(1, TotalSteps - WarmupSteps);
        var progress = Math.Clamp((double)(step - WarmupSteps) / decaySteps, 0, 1);
        var factor = Decay == DecayShape.Cosine ? 0.5 * (1 + Math.Cos(Math.PI * progress)) : 1 - progress;
        return MinLearningRate + (PeakLearningRate - MinLearningRate) * factor;
    }

    /// <summary>Sets the optimiser's learning rate for <paramref name="step"/> and returns it.</summary>
    public double Apply(AdamW optimizer, long step) => optimizer.LearningRate = At(step);
}
