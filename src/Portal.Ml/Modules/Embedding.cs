namespace Portal.Ml.Modules;

/// <summary>Looks up rows of a [count, dimension] table, initialised N(0, 1) like PyTorch.</summary>
public sealed class Embedding : Module<Tensor, Tensor>
{
    public Embedding(long count, long dimension) =>
        weight = register_parameter(nameof(weight), torch.randn([count, dimension]));

    public Tensor weight { get; }

    public override Tensor forward(Tensor indices) => torch.nn.functional.embedding(indices, weight);
}
