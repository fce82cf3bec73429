#!/usr/bin/env python3
"""Independent PyTorch reference for BERT sentence embeddings (no transformers needed).

Written from the Hugging Face modeling_bert equations: word + position + token-type embeddings, post-LayerNorm
encoder layers (self-attention with an additive padding mask, erf GELU MLP), then masked mean pooling and L2 norm.

usage: reference_bert.py MODEL_DIR IDS_JSON OUT_F32
  IDS_JSON: {"ids": [[...], ...], "mask": [[...], ...]} (equal lengths); OUT_F32: embeddings [B, H] as float32.
"""
import json, math, sys
import torch
import torch.nn.functional as F

from reference_qwen2 import load_safetensors


def main(model_dir, ids_json, out_path):
    cfg = json.load(open(f"{model_dir}/config.json"))
    w = load_safetensors(f"{model_dir}/model.safetensors")
    batch = json.load(open(ids_json))
    ids, mask = torch.tensor(batch["ids"]), torch.tensor(batch["mask"])
    b, t = ids.shape
    h, heads, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
    ln = lambda x, p: F.layer_norm(x, (h,), w[p + ".weight"], w[p + ".bias"], eps)
    lin = lambda x, p: F.linear(x, w[p + ".weight"], w[p + ".bias"])

    x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:t] \
        + w["embeddings.token_type_embeddings.weight"][torch.zeros_like(ids)]
    x = ln(x, "embeddings.LayerNorm")
    additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
    split = lambda y: y.view(b, t, heads, h // heads).transpose(1, 2)
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        q, k, v = (split(lin(x, p + "attention.self." + n)) for n in ("query", "key", "value"))
        scores = q @ k.transpose(-1, -2) / math.sqrt(h // heads) + additive
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, h)
        x = ln(lin(context, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        up = F.gelu(lin(x, p + "intermediate.dense"))
        x = ln(lin(up, p + "output.dense") + x, p + "output.LayerNorm")

    weights = mask[:, :, None].float()
    pooled = (x * weights).sum(1) / weights.sum(1).clamp_min(1e-9)
    pooled = F.normalize(pooled, dim=-1)
    with open(out_path, "wb") as f:
        f.write(pooled.contiguous().numpy().astype("<f4").tobytes())


if __name__ == "__main__":
    with torch.no_grad():
        main(*sys.argv[1:4])
