#!/usr/bin/env python3
"""PyTorch peer (Debian python3-torch, no transformers): the same MiniLM-shaped encoder forward and the same tiny
Qwen2-shaped greedy generation with a KV cache, written with torch.nn primitives. Prints name=value lines."""
import math, sys, time
import torch
import torch.nn.functional as F

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
everything = len(sys.argv) < 3 or sys.argv[2] == "all"  # "generate": only the generation line
torch.set_num_threads(threads)
torch.manual_seed(0)


def linear(i, o, bias=True):
    return torch.nn.Linear(i, o, bias=bias)


class Bert(torch.nn.Module):
    def __init__(s, V=30522, H=384, L=6, A=12, I=1536):
        super().__init__()
        s.A = A
        s.word, s.pos, s.tt = torch.nn.Embedding(V, H), torch.nn.Embedding(512, H), torch.nn.Embedding(2, H)
        s.ln = torch.nn.LayerNorm(H, eps=1e-12)
        s.layers = torch.nn.ModuleList([torch.nn.ModuleDict(dict(q=linear(H, H), k=linear(H, H), v=linear(H, H), o=linear(H, H),
            ln1=torch.nn.LayerNorm(H, eps=1e-12), up=linear(H, I), down=linear(I, H), ln2=torch.nn.LayerNorm(H, eps=1e-12))) for _ in range(L)])

    def forward(s, ids, mask):
        B, T = ids.shape
        x = s.ln(s.word(ids) + s.pos(torch.arange(T)) + s.tt(torch.zeros_like(ids)))
        pad = (mask == 0).view(B, 1, 1, T)
        for l in s.layers:
            heads = lambda t: t.view(B, T, s.A, -1).transpose(1, 2)
            q, k, v = heads(l["q"](x)), heads(l["k"](x)), heads(l["v"](x))
            w = (q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])).masked_fill(pad, torch.finfo(torch.float32).min).softmax(-1)
            x = l["ln1"](l["o"]((w @ v).transpose(1, 2).reshape(B, T, -1)) + x)
            x = l["ln2"](l["down"](F.gelu(l["up"](x))) + x)
        return x


class Decoder(torch.nn.Module):
    def __init__(s, V=1000, H=64, L=2, A=4, KV=2, I=128):
        super().__init__()
        s.A, s.KV, s.D = A, KV, H // A
        s.emb = torch.nn.Embedding(V, H)
        s.layers = torch.nn.ModuleList([torch.nn.ModuleDict(dict(q=linear(H, H), k=linear(H, KV * s.D), v=linear(H, KV * s.D), o=linear(H, H, False),
            g=linear(H, I, False), u=linear(H, I, False), d=linear(I, H, False))) for _ in range(L)])
        s.n = [torch.ones(H) for _ in range(2 * L + 1)]
        inv = 1.0 / (1e6 ** (torch.arange(0, s.D, 2).float() / s.D))
        f = torch.outer(torch.arange(1024).float(), inv)
        e = torch.cat((f, f), -1)
        s.cos, s.sin = e.cos(), e.sin()

    def rms(s, x, w):
        return w * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6)

    def rope(s, x, p, T):
        c, n = s.cos[p:p + T], s.sin[p:p + T]
        h = x.shape[-1] // 2
        return x * c + torch.cat((-x[..., h:], x[..., :h]), -1) * n

    def forward(s, ids, cache):
        B, T = ids.shape
        p = cache[0][0].shape[2] if cache[0] else 0
        x = s.emb(ids)
        mask = torch.triu(torch.ones(T, p + T, dtype=torch.bool), p + 1)
        for i, l in enumerate(s.layers):
            h = s.rms(x, s.n[2 * i])
            q = s.rope(l["q"](h).view(B, T, s.A, s.D).transpose(1, 2), p, T)
            k = s.rope(l["k"](h).view(B, T, s.KV, s.D).transpose(1, 2), p, T)
            v = l["v"](h).view(B, T, s.KV, s.D).transpose(1, 2)
            if cache[i]:
                k, v = torch.cat((cache[i][0], k), 2), torch.cat((cache[i][1], v), 2)
            cache[i] = (k, v)
            k, v = k.repeat_interleave(s.A // s.KV, 1), v.repeat_interleave(s.A // s.KV, 1)
            w = (q @ k.transpose(-1, -2) / math.sqrt(s.D)).masked_fill(mask, torch.finfo(torch.float32).min).softmax(-1)
            x = x + l["o"]((w @ v).transpose(1, 2).reshape(B, T, -1))
            h = s.rms(x, s.n[2 * i + 1])
            x = x + l["d"](F.silu(l["g"](h)) * l["u"](h))
        return s.rms(x, s.n[-1]) @ s.emb.weight.T


with torch.no_grad():
    dec = Decoder().eval()
    def generate(n):
        cache = [None] * len(dec.layers)
        ids = torch.randint(0, 1000, (1, 32))
        for _ in range(n):
            nxt = dec(ids, cache)[:, -1].argmax(-1, keepdim=True)
            ids = nxt
    generate(8)
    t = time.perf_counter(); generate(128)
    print(f"generate_tokens_per_s={128 / (time.perf_counter() - t):.1f}")

    if not everything:
        sys.exit(0)
    bert = Bert().eval()
    ids, mask = torch.randint(0, 30522, (32, 128)), torch.ones(32, 128, dtype=torch.int64)
    bert(ids, mask)
    t = time.perf_counter()
    for _ in range(4):
        bert(ids, mask).sum().item()
    print(f"embed_chunks_per_s={32 * 4 / (time.perf_counter() - t):.1f}")
