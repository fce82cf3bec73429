using Portal.Ml.Modules;

namespace Portal.Ml.Models;

/// <summary><c>model</c>: embed_tokens, layers, norm — Hugging Face's LlamaModel/Qwen2Model.</summary>
public sealed class LlamaModel : Module
{
    internal readonly Embedding embed_tokens;
    internal readonly ModuleList<LlamaDecoderLayer> layers;
    internal readonly RMSNorm norm;

    public LlamaModel(CausalLmConfig config)
    {
        embed_tokens = register_module(nameof(embed_tokens), new Embedding(config.VocabularySize, config.HiddenSize));
        layers = register_module(nameof(layers), new ModuleList<LlamaDecoderLayer>(
            Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new LlamaDecoderLayer(config))));
        norm = register_module(nameof(norm), new RMSNorm(config.HiddenSize, config.RmsNormEps));
    }
}

/// <summary>
/// Qwen2 and Llama (1–3) decoder-only models: RoPE, grouped-query attention, RMSNorm, SwiGLU, tied or untied
/// output head. Parameter names equal the Hugging Face safetensors keys. Positions run from the cache length
/// upwards (Hugging Face's default when no position ids are passed). Intermediates go to the caller's dispose scope.
/// </summary>
public sealed class LlamaForCausalLM : Module, ICausalLanguageModel
{
    private readonly LlamaModel model;
    private readonly Module<Tensor, Tensor>? lm_head;
    private readonly RotaryEmbedding rotary;

    public LlamaForCausalLM(CausalLmConfig config)
    {
        Config = config;
        model = register_module(nameof(model), new LlamaModel(config));
        // Tied: the head reuses embed_tokens.weight, and the checkpoint has no lm_head.weight.
        if (!config.TieWordEmbeddings)
            lm_head = register_module(nameof(lm_head), new Linear(config.HiddenSize, config.VocabularySize, hasBias: false));
        rotary = new RotaryEmbedding(config.HeadDim, config.RopeTheta, config.RopeScaling);
    }

    public CausalLmConfig Config { get; }

    public Module Root => this;

    public KvCache NewCache() => new(Config.NumHiddenLayers);

    public Tensor Forward(Tensor inputIds, KvCache? cache = null, Tensor? attentionMask = null)
    {
        var hidden = Hidden(inputIds, cache, attentionMask);
        return lm_head is null ? torch.nn.functional.linear(hidden, model.embed_tokens.weight) : lm_head.forward(hidden);
    }

    /// <summary>The final-norm hidden states [B, T, hidden].</summary>
    public Tensor Hidden(Tensor inputIds, KvCache? cache = null, Tensor? attentionMask = null)
    {
        var time = inputIds.size(1);
        var past = cache?.Length ?? 0;
        var total = past + time;
        var (cos, sin) = rotary.Tables(past, time, inputIds.device);

        // Query i (absolute position past + i) may not see keys after it; padding keys are hidden from everyone.
        var mask = torch.ones([time, total], torch.@bool, inputIds.device).triu(past + 1).view(1, 1, time, total);
        if (attentionMask is not null)
        {
            if (attentionMask.size(1) != total)
                throw new ArgumentException($"attention mask covers {attentionMask.size(1)} positions; expected past + new = {total}", nameof(attentionMask));
            mask = mask.logical_or(attentionMask.eq(0).view(attentionMask.size(0), 1, 1, total));
        }

        var x = model.embed_tokens.forward(inputIds);
        for (var i = 0; i < model.layers.Count; i++)
            x = model.layers[i].Forward(x, cos, sin, mask, cache, i);
        return model.norm.forward(x);
    }
}
