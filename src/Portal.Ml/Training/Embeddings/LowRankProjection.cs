using Portal.Ml.Modules;

namespace Portal.Ml.Training.Embeddings;

/// <summary>
/// A learned map on top of a fixed embedder: x ↦ normalise(x + U·(Vᵀ·x)), i.e. W = I + U·Vᵀ with
/// U, V of shape [d, r]. U starts at zero, so training starts from the base embedder exactly (as a
/// LoRA starts from its base model); V is random so U receives gradient.
/// </summary>
public sealed class LowRankProjection : Module<Tensor, Tensor>
{
    public LowRankProjection(int dimensions, int rank)
    {
        Dimensions = dimensions;
        Rank = rank;
        U = register_parameter(nameof(U), torch.zeros([dimensions, rank]));
        V = register_parameter(nameof(V), torch.randn([dimensions, rank]).mul(1.0 / Math.Sqrt(dimensions)));
    }

    public int Dimensions { get; }
    public int Rank { get; }
    public Tensor U { get; }
    public Tensor V { get; }

    /// <summary>[n, d] base vectors → [n, d] unit vectors.</summary>
    public override Tensor forward(Tensor input)
    {
        var projected = input + input.matmul(V).matmul(U.t());
        return projected / projected.square().sum(-1, keepdim: true).add(1e-12).sqrt();
    }
}
