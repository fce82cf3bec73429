#!/usr/bin/env bash
# GPU LoRA SFT throughput on a Qwen2.5-0.5B-shaped random model: Portal (bf16 base, f32 adapters) vs
# PyTorch + PEFT. Needs a CUDA node with torch, transformers and peft installed (deploy/gpu-worker) and
# the shim built against that torch (see src/Portal.Ml/README.md). Not run on the CPU development machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
python="${PEER_PYTHON:-python3}"
out="${BENCH_OUT:-$(mktemp -d)}"
steps="${BENCH_STEPS:-20}"

"$python" - "$out/qwen" <<'PY'
import sys, torch
from transformers import Qwen2Config, Qwen2ForCausalLM
config = Qwen2Config(vocab_size=151936, hidden_size=896, intermediate_size=4864, num_hidden_layers=24,
                     num_attention_heads=14, num_key_value_heads=2, max_position_embeddings=32768, tie_word_embeddings=True)
torch.manual_seed(0)
Qwen2ForCausalLM(config).to(torch.bfloat16).save_pretrained(sys.argv[1], safe_serialization=True)
PY
"$python" - "$out/qwen" "$steps" <<'PY'
import sys, time, torch
from transformers import AutoModelForCausalLM
from peft import LoraConfig, get_peft_model
model = AutoModelForCausalLM.from_pretrained(sys.argv[1], torch_dtype=torch.bfloat16).cuda()
model = get_peft_model(model, LoraConfig(r=8, lora_alpha=16, lora_dropout=0.05, target_modules="all-linear", task_type="CAUSAL_LM"))
opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=2e-4)
ids = torch.randint(1000, 20000, (4, 512), device="cuda"); labels = ids.clone(); labels[:, :256] = -100
def step():
    opt.zero_grad(); loss = model(input_ids=ids, labels=labels).loss; loss.backward(); opt.step()
for _ in range(3): step()
torch.cuda.synchronize(); t = time.perf_counter()
for _ in range(int(sys.argv[2])): step()
torch.cuda.synchronize(); s = time.perf_counter() - t
print(f"peft: tokens_per_second={int(sys.argv[2]) * 4 * 512 / s:.1f}")
PY
# Portal: the same folder through ./portal train lora (tokenizer files must be copied next to the weights
# from Qwen/Qwen2.5-0.5B for a real run; the random weights above are only for timing).
echo "portal: run ./portal train lora --base $out/qwen --data <alpaca.jsonl> --out $out/adapter --max-length 512 and read tokens_per_second from its summary line"
