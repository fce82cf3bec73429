namespace Portal.Ml.Training;

/// <summary>One optimiser step as reported to a job log or dashboard. <see cref="EvalLoss"/> is set on the last step of an epoch.</summary>
public sealed record TrainingProgress(
    long Step,
    long TotalSteps,
    int Epoch,
    double Loss,
    double LearningRate,
    double TokensPerSecond,
    TimeSpan Eta,
    double? EvalLoss = null)
{
    public string ToLogLine() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"step {Step}/{TotalSteps} epoch {Epoch} loss {Loss:F4} lr {LearningRate:E2} tok/s {TokensPerSecond:F0} eta {Eta:hh\\:mm\\:ss}{(EvalLoss is { } e ? $" eval_loss {e:F4}" : "")}");
}

/// <summary>Tracks throughput and extrapolates the remaining time from the steps done in this run.</summary>
internal sealed class ThroughputMeter(long firstStep, long totalSteps)
{
    private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
    private long tokens;

    public double Seconds => clock.Elapsed.TotalSeconds;
    public long Tokens => tokens;

    public void Add(long count) => tokens += count;

    public double TokensPerSecond => Seconds > 0 ? tokens / Seconds : 0;

    public TimeSpan Eta(long completedStep)
    {
        var done = completedStep + 1 - firstStep;
        return done <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Seconds / done * Math.Max(0, totalSteps - completedStep - 1));
    }
}
