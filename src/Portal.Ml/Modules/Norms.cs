namespace Portal.Ml.Modules;

/// <summary>Layer normalisation over the last dimension with a learnt scale and shift.</summary>
public sealed class LayerNorm : Module<Tensor, Tensor>
{
    private readonly double eps;

    public LayerNorm(long dimension, double eps = 1e-5)
    {
        this.eps = eps;
        weight = register_parameter(nameof(weight), torch.ones([dimension]));
        bias = register_parameter(nameof(bias), torch.zeros([dimension]));
    }

    public Tensor weight { get; }
    public Tensor bias { get; }

    public override Tensor forward(Tensor input) => torch.nn.functional.layer_norm(input, 1, weight, bias, eps);
}

/// <summary>Root-mean-square normalisation over the last dimension with a learnt scale (no shift).</summary>
public sealed class RMSNorm : Module<Tensor, Tensor>
{
    private readonly double eps;

    public RMSNorm(long dimension, double eps = 1e-6)
    {
        this.eps = eps;
        weight = register_parameter(nameof(weight), torch.ones([dimension]));
    }

    public Tensor weight { get; }

    public override Tensor forward(Tensor input) => torch.nn.functional.rms_norm(input, weight, eps);
}

/// <summary>Zeroes elements with probability p while training, scaling the rest by 1/(1-p); identity in eval.</summary>
public sealed class Dropout(double p = 0.5) : Module<Tensor, Tensor>
{
    public double p { get; } = p;

    public override Tensor forward(Tensor input) =>
        training && p > 0 ? torch.nn.functional.dropout(input, p, training: true) : input.alias();
}
