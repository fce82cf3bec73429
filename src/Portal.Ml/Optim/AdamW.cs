using TS = TorchSharp.torch;

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
        var biasCorrection1 = 1.0 - Math.Pow(Beta1, StepCount);
        var biasCorrection2Sqrt = Math.Sqrt(1.0 - Math.Pow(Beta2, StepCount));
        var stepSize = LearningRate / biasCorrection1;
        using var guard = TS.no_grad();
        using var decay = (TorchSharp.Scalar)(1.0 - LearningRate * WeightDecay);
        using var keep1 = (TorchSharp.Scalar)Beta1;
        using var take1 = (TorchSharp.Scalar)(1.0 - Beta1);
        using var keep2 = (TorchSharp.Scalar)Beta2;
        using var take2 = (TorchSharp.Scalar)(1.0 - Beta2);
        using var correction2 = (TorchSharp.Scalar)biasCorrection2Sqrt;
        using var eps = (TorchSharp.Scalar)Eps;
        using var negativeStep = (TorchSharp.Scalar)(-stepSize);
        // Same arithmetic as torch.optim.AdamW's single-tensor path (amsgrad off).
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i].Native;
            using var g = p.grad;
            if (g is null)
                continue;
            var m = expAvg[i].Native;
            var v = expAvgSq[i].Native;
            p.mul_(decay);
            m.mul_(keep1).add_(g, take1);
            v.mul_(keep2).addcmul_(g, g, take2);
            using var root = v.sqrt();
            using var denominator = root.div_(correction2).add_(eps);
            p.addcdiv_(m, denominator, negativeStep);
        }
    }

    /// <summary>Drops the gradients (PyTorch's set_to_none=True).</summary>
    public void zero_grad()
    {
        foreach (var parameter in parameters)
            parameter.Native.grad = null;
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
