namespace Portal.Ml.Modules;

/// <summary>y = x·Wᵀ + b, initialised like PyTorch (Kaiming-uniform with a = √5, i.e. U(±1/√in)).</summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    public Linear(long inFeatures, long outFeatures, bool hasBias = true)
    {
        in_features = inFeatures;
        out_features = outFeatures;
        var bound = 1.0 / Math.Sqrt(inFeatures);
        weight = register_parameter(nameof(weight), torch.empty([outFeatures, inFeatures]).uniform_(-bound, bound));
        if (hasBias)
            bias = register_parameter(nameof(bias), torch.empty([outFeatures]).uniform_(-bound, bound));
    }

    public long in_features { get; }
    public long out_features { get; }
    public Tensor weight { get; }
    public Tensor? bias { get; }

    public override Tensor forward(Tensor input) => torch.nn.functional.linear(input, weight, bias);
}
