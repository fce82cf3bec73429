using Portal.Ml.Modules;

namespace Portal.Ml.Models;

/// <summary>Causal multi-head self-attention with q/k/v/o projections named as in Llama-style checkpoints.</summary>
public sealed class CausalSelfAttention : Module<Tensor, Tensor>
{
    // Typed as Module so LoRA injection can swap them for LoRALinear.
    private Module<Tensor, Tensor> q_proj, k_proj, v_proj, o_proj;
    private readonly Module<Tensor, Tensor> dropout;
    private readonly int heads;
    private readonly int headDimension;

    public CausalSelfAttention(DecoderConfig config)
    {
        heads = config.Heads;
        headDimension = config.HeadDimension;
        q_proj = register_module(nameof(q_proj), new Linear(config.ModelDimension, config.ModelDimension));
        k_proj = register_module(nameof(k_proj), new Linear(config.ModelDimension, config.ModelDimension));
        v_proj = register_module(nameof(v_proj), new Linear(config.ModelDimension, config.ModelDimension));
        o_proj = register_module(nameof(o_proj), new Linear(config.ModelDimension, config.ModelDimension));
        dropout = register_module(nameof(dropout), new Dropout(config.Dropout));
    }

    public override Tensor forward(Tensor x)
    {
        var (batch, time, channels) = (x.size(0), x.size(1), x.size(2));
        Tensor SplitHeads(Tensor t) => t.view(batch, time, heads, headDimension).transpose(1, 2);

        var q = SplitHeads(q_proj.forward(x));
        var k = SplitHeads(k_proj.forward(x));
        var v = SplitHeads(v_proj.forward(x));
        var scores = q.matmul(k.transpose(-2, -1)) * (1.0 / Math.Sqrt(headDimension));
        var future = torch.ones([time, time], torch.@bool, x.device).triu(1);
        var weights = dropout.forward(scores.masked_fill(future, double.NegativeInfinity).softmax(-1));
        var mixed = weights.matmul(v).transpose(1, 2).reshape(batch, time, channels);
        return o_proj.forward(mixed);
    }
}

/// <summary>Two-layer GELU MLP (up_proj, down_proj).</summary>
public sealed class FeedForward : Module<Tensor, Tensor>
{
    private Module<Tensor, Tensor> up_proj, down_proj;
    private readonly Module<Tensor, Tensor> dropout;

    public FeedForward(DecoderConfig config)
    {
        var hidden = config.ModelDimension * config.MlpRatio;
        up_proj = register_module(nameof(up_proj), new Linear(config.ModelDimension, hidden));
        down_proj = register_module(nameof(down_proj), new Linear(hidden, config.ModelDimension));
        dropout = register_module(nameof(dropout), new Dropout(config.Dropout));
    }

    public override Tensor forward(Tensor x) =>
        dropout.forward(down_proj.forward(torch.nn.functional.gelu(up_proj.forward(x))));
}

/// <summary>Pre-norm transformer block: x + attn(norm(x)), then x + mlp(norm(x)).</summary>
public sealed class DecoderBlock : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> attention_norm, attn, mlp_norm, mlp;

    public DecoderBlock(DecoderConfig config)
    {
        attention_norm = register_module(nameof(attention_norm), Norm(config));
        attn = register_module(nameof(attn), new CausalSelfAttention(config));
        mlp_norm = register_module(nameof(mlp_norm), Norm(config));
        mlp = register_module(nameof(mlp), new FeedForward(config));
    }

    internal static Module<Tensor, Tensor> Norm(DecoderConfig config) =>
        config.UseRmsNorm ? new RMSNorm(config.ModelDimension) : new LayerNorm(config.ModelDimension);

    public override Tensor forward(Tensor x)
    {
        var afterAttention = x + attn.forward(attention_norm.forward(x));
        return afterAttention + mlp.forward(mlp_norm.forward(afterAttention));
    }
}
