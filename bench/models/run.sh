#!/usr/bin/env bash
# Tokenizer MB/s (one thread: tokenizers are single-threaded), tiny-model generation tokens/s and MiniLM-shaped
# embedding chunks/s in Portal; the same generation and embedding shapes through PyTorch (peer.py) as ratios.
# Env: BENCH_THREADS (default 2), PEER_PYTHON (/usr/bin/python3).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
threads="${BENCH_THREADS:-2}"
python="${PEER_PYTHON:-/usr/bin/python3}"
# The peer uses OpenBLAS when it is installed (libopenblas0-pthread), whatever the system's BLAS alternative says.
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread
[[ -f "$openblas/libblas.so.3" ]] && export LD_LIBRARY_PATH="$openblas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

dotnet build -c Release --nologo -v quiet "$here/Portal.Bench.Models/Portal.Bench.Models.csproj" >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $threads threads for the models; load average $(cut -d' ' -f1-3 /proc/loadavg)"
portal="$(dotnet "$here/Portal.Bench.Models/bin/Release/net10.0/Portal.Bench.Models.dll" "$threads")"
peer="$("$python" "$here/peer.py" "$threads")"
echo "$portal" | sed 's/^/portal: /'
echo "$peer" | sed 's/^/pytorch: /'
value() { grep "^$1=" <<<"$2" | cut -d= -f2; }
for name in generate_tokens_per_s embed_chunks_per_s; do
  awk -v n="$name" -v a="$(value "$name" "$portal")" -v b="$(value "$name" "$peer")" 'BEGIN { printf "ratio %s portal/pytorch=%.2f\n", n, a / b }'
done
awk -v a="$(value minilm_onnx_chunks_per_s "$portal")" -v b="$(value minilm_torchsharp_chunks_per_s "$portal")" 'BEGIN { printf "ratio minilm onnx/torchsharp=%.2f (target >= 1.3)\n", a / b }'
awk -v a="$(value serve_adapter_tokens_per_s "$portal")" -v b="$(value generate_tokens_per_s "$portal")" 'BEGIN { printf "ratio serve_adapter/generate portal=%.2f\n", a / b }'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
