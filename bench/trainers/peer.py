"""The same LoRA SFT step as Portal.Bench.Trainers in PyTorch (Debian's python3-torch, no peft): the engine
benchmark's decoder with hand-written LoRA on every Linear but lm_head, prompt labels -100."""
import argparse
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "engine"))
from peer import DecoderLM  # noqa: E402


class LoRALinear(nn.Module):
    def __init__(self, base, r=8, alpha=16, dropout=0.05):
        super().__init__()
        self.base, self.scaling = base, alpha / r
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        return self.base(x) + F.linear(F.linear(self.dropout(x), self.lora_A), self.lora_B) * self.scaling


def inject(module):
    for name, child in module.named_children():
        if isinstance(child, nn.Linear) and name != "lm_head":
            setattr(module, name, LoRALinear(child))
        else:
            inject(child)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--vocab", type=int, default=259)
    parser.add_argument("--d", type=int, default=256)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--bf16", action="store_true")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    device = torch.device(args.device)
    model = DecoderLM(args.vocab, args.d, args.heads, args.layers, args.seq)
    for p in model.parameters():
        p.requires_grad_(False)
    if args.bf16:
        model.to(torch.bfloat16)
    inject(model)
    model.to(device).train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=2e-4, weight_decay=0.0)
    tokens = torch.randint(26, (args.batch, args.seq + 1), device=device) + 97
    inputs, labels = tokens[:, :-1].contiguous(), tokens[:, 1:].clone()
    labels[:, : args.seq // 2] = -100

    def step():
        optimizer.zero_grad(set_to_none=True)
        x = model.tok_emb(inputs) + model.pos_emb(torch.arange(args.seq, device=device))
        for block in model.blocks:
            x = block(x.to(model.tok_emb.weight.dtype))
        logits = model.lm_head(model.ln_f(x)).float()
        loss = F.cross_entropy(logits.view(-1, args.vocab), labels.view(-1), ignore_index=-100)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        return loss

    for _ in range(args.warmup):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(args.steps):
        loss = step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    print(f"pytorch: step_ms={seconds * 1000 / args.steps:.2f} tokens_per_second={args.steps * args.batch * args.seq / seconds:.1f} final_loss={loss.item():.4f}")


if __name__ == "__main__":
    main()
