using Portal.Ml.Modules;

namespace Portal.Ml.Models;

/// <summary>
/// Grouped-query self-attention with rotary positions (<c>self_attn</c> in Hugging Face's Llama and Qwen2).
/// Masked scores use float32's lowest value, not -inf, so a fully padded row stays finite (as in Hugging Face).
/// </summary>
public sealed class LlamaAttention : Module
{
    // Typed as Module<Tensor, Tensor> so LoRA injection can swap them for LoRALinear.
    private Module<Tensor, Tensor> q_proj, k_proj, v_proj, o_proj;
    private readonly int heads, keyValueHeads, headDim;

    public LlamaAttention(CausalLmConfig config)
    {
        heads = config.NumAttentionHeads;
        keyValueHeads = config.NumKeyValueHeads;
        headDim = config.HeadDim;
        if (heads % keyValueHeads != 0)
            throw new InvalidDataException($"num_attention_heads ({heads}) must be a multiple of num_key_value_heads ({keyValueHeads})");
        q_proj = register_module(nameof(q_proj), new Linear(config.HiddenSize, heads * headDim, config.HasQkvBias));
        k_proj = register_module(nameof(k_proj), new Linear(config.HiddenSize, keyValueHeads * headDim, config.HasQkvBias));
        v_proj = register_module(nameof(v_proj), new Linear(config.HiddenSize, keyValueHeads * headDim, config.HasQkvBias));
        o_proj = register_module(nameof(o_proj), new Linear(heads * headDim, config.HiddenSize, config.HasOutputBias));
    }

    /// <param name="x">[B, T, hidden]</param>
    /// <param name="mask">[B or 1, 1, T, S] true where attention is not allowed.</param>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor mask, KvCache? cache, int layer)
    {
        var (batch, time) = (x.size(0), x.size(1));
        var q = q_proj.forward(x).view(batch, time, heads, headDim).transpose(1, 2);
        var k = k_proj.forward(x).view(batch, time, keyValueHeads, headDim).transpose(1, 2);
        var v = v_proj.forward(x).view(batch, time, keyValueHeads, headDim).transpose(1, 2);
        q = RotaryEmbedding.Apply(q, cos, sin);
        k = RotaryEmbedding.Apply(k, cos, sin);
        if (cache is not null)
            (k, v) = cache.Append(layer, k, v);

        k = RepeatKeyValue(k);
        v = RepeatKeyValue(v);
        var scores = q.matmul(k.transpose(-2, -1)).mul(1.0 / Math.Sqrt(headDim));
        var weights = scores.masked_fill(mask, float.MinValue).softmax(-1);
        var mixed = weights.matmul(v).transpose(1, 2).reshape(batch, time, heads * headDim);
        return o_proj.forward(mixed);
    }

    /// <summary>[B, kvHeads, S, D] → [B, heads, S, D]: each key/value head serves heads/kvHeads query heads.</summary>
    private Tensor RepeatKeyValue(Tensor t)
    {
        var groups = heads / keyValueHeads;
        if (groups == 1)
            return t;
        var (batch, length) = (t.size(0), t.size(2));
        return t.unsqueeze(2).expand(batch, keyValueHeads, groups, length, headDim).reshape(batch, heads, length, headDim);
    }
}

/// <summary>SwiGLU feed-forward: down_proj(silu(gate_proj(x)) · up_proj(x)).</summary>
public sealed class LlamaMlp : Module<Tensor, Tensor>
{
    private Module<Tensor, Tensor> gate_proj, up_proj, down_proj;

    public LlamaMlp(CausalLmConfig config)
    {
        gate_proj = register_module(nameof(gate_proj), new Linear(config.HiddenSize, config.IntermediateSize, hasBias: false));
        up_proj = register_module(nameof(up_proj), new Linear(config.HiddenSize, config.IntermediateSize, hasBias: false));
        down_proj = register_module(nameof(down_proj), new Linear(config.IntermediateSize, config.HiddenSize, hasBias: false));
    }

    public override Tensor forward(Tensor x) =>
        down_proj.forward(torch.nn.functional.silu(gate_proj.forward(x)) * up_proj.forward(x));
}

/// <summary>Pre-norm decoder layer: x + self_attn(input_layernorm(x)), then x + mlp(post_attention_layernorm(x)).</summary>
public sealed class LlamaDecoderLayer : Module
{
    private readonly RMSNorm input_layernorm, post_attention_layernorm;
    private readonly LlamaAttention self_attn;
    private readonly LlamaMlp mlp;

    public LlamaDecoderLayer(CausalLmConfig config)
    {
        self_attn = register_module(nameof(self_attn), new LlamaAttention(config));
        mlp = register_module(nameof(mlp), new LlamaMlp(config));
        input_layernorm = register_module(nameof(input_layernorm), new RMSNorm(config.HiddenSize, config.RmsNormEps));
        post_attention_layernorm = register_module(nameof(post_attention_layernorm), new RMSNorm(config.HiddenSize, config.RmsNormEps));
    }

    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor mask, KvCache? cache, int layer)
    {
        var attended = x + self_attn.Forward(input_layernorm.forward(x), cos, sin, mask, cache, layer);
        return attended + mlp.forward(post_attention_layernorm.forward(attended));
    }
}
