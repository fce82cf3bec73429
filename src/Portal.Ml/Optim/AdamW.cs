using Portal.Ml.Interop;

namespace Portal.Ml.Optim;

/// <summary>
/// AdamW with decoupled weight decay, the same arithmetic as torch.optim.AdamW (amsgrad off).
/// The moments are ordinary tensors held here, so <see cref="state_dict"/> can be checkpointed.
/// </summary>
public sealed class AdamW : IDisposable
{
    private readonly List<Tensor> parameters;
    private readonly List<Tensor> expAvg;
    private readonly List<Tensor> expAvgSq;

    internal AdamW(IEnumerable<Tensor> parameters, double lr, double beta1, double beta2, double eps, double weightDecay)
    {
        this.parameters = parameters.ToList();
        LearningRate = lr;
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
        expAvg = this.parameters.Select(p => torch.zeros_like(p).DetachFromDisposeScope()).ToList();
        expAvgSq = this.parameters.Select(p => torch.zeros_like(p).DetachFromDisposeScope()).ToList();
    }

    public double LearningRate { get; set; }
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }
    public double WeightDecay { get; }

    /// <summary>Completed optimisation steps (drives bias correction).</summary>
    public long StepCount { get; private set; }

    public IReadOnlyList<Tensor> Parameters => parameters;

    public void step()
    {
        StepCount++;
        Native.Check(NativeMethods.pt_adamw_step(Native.Pointers(parameters), Native.Pointers(expAvg), Native.Pointers(expAvgSq),
            parameters.Count, LearningRate, Beta1, Beta2, Eps, WeightDecay, StepCount));
        GC.KeepAlive(parameters);
        GC.KeepAlive(expAvg);
        GC.KeepAlive(expAvgSq);
    }

    /// <summary>Drops the gradients (PyTorch's set_to_none=True).</summary>
    public void zero_grad()
    {
        Native.Check(NativeMethods.pt_zero_grad(Native.Pointers(parameters), parameters.Count));
        GC.KeepAlive(parameters);
    }

    /// <summary>The moment tensors (live, not copies) keyed <c>exp_avg.{i}</c> / <c>exp_avg_sq.{i}</c> in parameter order, and the step.</summary>
    public AdamWState state_dict()
    {
        var moments = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (var i = 0; i < parameters.Count; i++)
        {
            moments[$"exp_avg.{i}"] = expAvg[i];
            moments[$"exp_avg_sq.{i}"] = expAvgSq[i];
        }
        return new AdamWState(StepCount, moments);
    }

    public void load_state_dict(AdamWState state)
    {
        if (state.Moments.Count != 2 * parameters.Count)
            throw new InvalidOperationException($"optimizer state has {state.Moments.Count} moments, expected {2 * parameters.Count}");
        for (var i = 0; i < parameters.Count; i++)
        {
            expAvg[i].copy_(state.Moments[$"exp_avg.{i}"]);
            expAvgSq[i].copy_(state.Moments[$"exp_avg_sq.{i}"]);
        }
        StepCount = state.Step;
    }

    public void Dispose()
    {
        foreach (var moment in expAvg.Concat(expAvgSq))
            moment.Dispose();
    }
}

public sealed record AdamWState(long Step, IReadOnlyDictionary<string, Tensor> Moments);
