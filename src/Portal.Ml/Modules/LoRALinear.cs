namespace Portal.Ml.Modules;

/// <summary>
/// A frozen <see cref="Linear"/> plus a trainable low-rank update: y = base(x) + B·A·dropout(x)·(alpha/r).
/// B starts at zero, so a fresh adapter leaves the output unchanged; A is Kaiming-uniform as in PEFT.
/// </summary>
public sealed class LoRALinear : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> dropout;

    public LoRALinear(Linear baseLayer, int rank, double alpha, double dropoutProbability = 0.0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        base_layer = register_module(nameof(base_layer), baseLayer);
        foreach (var parameter in baseLayer.parameters())
            parameter.requires_grad = false;

        this.rank = rank;
        this.alpha = alpha;
        scaling = alpha / rank;
        // kaiming_uniform_(a=√5) on [rank, in]: bound = √(6 / ((1 + 5)·in)) = 1/√in
        var bound = 1.0 / Math.Sqrt(baseLayer.in_features);
        lora_A = register_parameter(nameof(lora_A), torch.empty([rank, baseLayer.in_features]).uniform_(-bound, bound));
        lora_B = register_parameter(nameof(lora_B), torch.zeros([baseLayer.out_features, rank]));
        dropout = register_module(nameof(dropout), new Dropout(dropoutProbability));
    }

    public Linear base_layer { get; }
    public Tensor lora_A { get; }
    public Tensor lora_B { get; }
    public int rank { get; }
    public double alpha { get; }
    public double scaling { get; }
    public bool merged { get; private set; }

    public override Tensor forward(Tensor input)
    {
        var result = base_layer.forward(input);
        if (merged)
            return result;
        // A bf16 base with f32 adapters (mixed-precision fine-tuning) runs the low-rank branch in f32.
        using var cast = input.dtype == lora_A.dtype ? input.alias() : input.to(lora_A.dtype);
        using var dropped = dropout.forward(cast);
        using var down = torch.nn.functional.linear(dropped, lora_A);
        using var up = torch.nn.functional.linear(down, lora_B);
        using var scaled = up.mul(scaling);
        using var delta = scaled.dtype == result.dtype ? scaled.alias() : scaled.to(result.dtype);
        using (result)
            return result.add(delta);
    }

    /// <summary>Folds B·A·scaling into the base weight so inference costs one matmul.</summary>
    public void merge()
    {
        if (merged)
            return;
        ApplyDelta(+1);
        merged = true;
    }

    /// <summary>Takes the update back out of the base weight (exact up to float rounding).</summary>
    public void unmerge()
    {
        if (!merged)
            return;
        ApplyDelta(-1);
        merged = false;
    }

    private void ApplyDelta(int sign)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var delta = lora_B.matmul(lora_A).mul(sign * scaling).to(base_layer.weight.dtype);
        base_layer.weight.copy_(base_layer.weight.add(delta));
    }
}
