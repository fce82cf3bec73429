"""The same decoder LM and training loop as Portal.Bench.Engine, in PyTorch (Debian's python3-torch)."""
import argparse
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads, self.head_dim = heads, d // heads
        self.q_proj, self.k_proj = nn.Linear(d, d), nn.Linear(d, d)
        self.v_proj, self.o_proj = nn.Linear(d, d), nn.Linear(d, d)

    def forward(self, x):
        b, t, c = x.shape
        split = lambda y: y.view(b, t, self.heads, self.head_dim).transpose(1, 2)
        q, k, v = split(self.q_proj(x)), split(self.k_proj(x)), split(self.v_proj(x))
        scores = q.matmul(k.transpose(-2, -1)) * (1.0 / math.sqrt(self.head_dim))
        future = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1)
        weights = scores.masked_fill(future, float("-inf")).softmax(-1)
        return self.o_proj(weights.matmul(v).transpose(1, 2).reshape(b, t, c))


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.attention_norm, self.attn = nn.LayerNorm(d), Attention(d, heads)
        self.mlp_norm = nn.LayerNorm(d)
        self.up_proj, self.down_proj = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x):
        x = x + self.attn(self.attention_norm(x))
        return x + self.down_proj(F.gelu(self.up_proj(self.mlp_norm(x))))


class DecoderLM(nn.Module):
    def __init__(self, vocab, d, heads, layers, seq):
        super().__init__()
        self.tok_emb, self.pos_emb = nn.Embedding(vocab, d), nn.Embedding(seq, d)
        nn.init.normal_(self.tok_emb.weight, 0, 0.02)
        nn.init.normal_(self.pos_emb.weight, 0, 0.02)
        self.blocks = nn.ModuleList([Block(d, heads) for _ in range(layers)])
        self.ln_f, self.lm_head = nn.LayerNorm(d), nn.Linear(d, vocab, bias=False)
        self.vocab = vocab

    def loss(self, tokens, targets):
        x = self.tok_emb(tokens) + self.pos_emb(torch.arange(tokens.shape[1], device=tokens.device))
        for block in self.blocks:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))
        return F.cross_entropy(logits.view(-1, self.vocab), targets.view(-1))


def matmul(n, repeats):
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(3):
        a.matmul(b)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a.matmul(b)
        best = min(best, time.perf_counter() - start)
    print(f"pytorch {torch.__version__} blas={blas()} matmul n={n} threads={torch.get_num_threads()} "
          f"best_ms={best * 1000:.2f} gflops={2 * n ** 3 / best / 1e9:.1f}")


def blas():
    with open("/proc/self/maps") as maps:
        libraries = {line.split()[-1] for line in maps if "blas" in line}
    return ",".join(sorted(p.split("/")[-2] + "/" + p.split("/")[-1] for p in libraries)) or "none"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--matmul", type=int, default=0, help="time an N x N float32 matmul instead of training")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    if args.matmul:
        return matmul(args.matmul, args.steps)
    torch.manual_seed(0)
    device = torch.device(args.device)
    vocab, d, heads, layers, seq = 1000, 256, 4, 4, 128
    model = DecoderLM(vocab, d, heads, layers, seq).to(device)
    tokens = torch.randint(vocab, (args.batch, seq + 1), device=device)
    inputs, targets = tokens[:, :-1].contiguous(), tokens[:, 1:].contiguous()
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = model.loss(inputs, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    start = time.perf_counter()
    for _ in range(args.steps):
        loss = step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    step_ms = (time.perf_counter() - start) * 1000 / args.steps
    tokens_per_s = args.batch * seq / (step_ms / 1000)
    print(f"pytorch {torch.__version__} device={device} threads={torch.get_num_threads()} steps={args.steps} "
          f"step_ms={step_ms:.2f} tokens_per_s={tokens_per_s:.0f} loss={loss:.4f}")


if __name__ == "__main__":
    main()
