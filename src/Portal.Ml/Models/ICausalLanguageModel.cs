using Portal.Ml.Modules;

namespace Portal.Ml.Models;

/// <summary>
/// A decoder-only language model (Qwen2, Llama). <see cref="Root"/>'s parameter names equal the Hugging Face
/// safetensors keys (<c>model.layers.0.self_attn.q_proj.weight</c>, <c>lm_head.weight</c>), so PEFT names
/// are <c>base_model.model.</c> + key.
/// </summary>
public interface ICausalLanguageModel : IDisposable
{
    CausalLmConfig Config { get; }

    Module Root { get; }

    /// <summary>
    /// Logits [B, T, V] for token ids [B, T] (int64). With a <paramref name="cache"/>, the ids continue the cached
    /// sequence and their keys/values are appended. <paramref name="attentionMask"/> is [B, past + T] with 1 for real
    /// tokens and 0 for padding (left padding for batched generation).
    /// </summary>
    Tensor Forward(Tensor inputIds, KvCache? cache = null, Tensor? attentionMask = null);

    KvCache NewCache();
}

/// <summary>Per-layer keys and values [B, kvHeads, T, headDim] of the tokens seen so far.</summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor?[] keys;
    private readonly Tensor?[] values;

    public KvCache(int layers)
    {
        keys = new Tensor?[layers];
        values = new Tensor?[layers];
    }

    /// <summary>Tokens cached so far.</summary>
    public long Length => keys[0]?.size(2) ?? 0;

    /// <summary>Appends this step's keys/values for <paramref name="layer"/> and returns everything cached for it (owned by the cache).</summary>
    public (Tensor keys, Tensor values) Append(int layer, Tensor newKeys, Tensor newValues)
    {
        keys[layer] = Concat(keys[layer], newKeys);
        values[layer] = Concat(values[layer], newValues);
        return (keys[layer]!, values[layer]!);
    }

    private static Tensor Concat(Tensor? previous, Tensor next)
    {
        var joined = previous is null ? next.contiguous() : torch.cat([previous, next], 2);
        joined.DetachFromDisposeScope();
        previous?.Dispose();
        return joined;
    }

    public void Dispose()
    {
        foreach (var t in keys.Concat(values))
            t?.Dispose();
        Array.Clear(keys);
        Array.Clear(values);
    }
}
