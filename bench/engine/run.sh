#!/usr/bin/env bash
# Times a 1024x1024 float32 matmul (against the machine's peak, probed with 2048x2048) and the same decoder-LM
# training step in Portal's engine (TorchSharp's libtorch 2.10) and in PyTorch (Debian's python3-torch 1.13 on
# OpenBLAS), with the same thread count, and prints "ratio=<portal/pytorch>" as the LAST line.
# Env: BENCH_THREADS (default: nproc), BENCH_STEPS (30), BENCH_WARMUP (5), PEER_PYTHON (/usr/bin/python3),
#      BENCH_ROUNDS (1): alternate Portal/PyTorch this many times and compare each engine's best round,
#      which evens out load from other processes on a shared machine.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
threads="${BENCH_THREADS:-$(nproc)}"
steps="${BENCH_STEPS:-30}"
warmup="${BENCH_WARMUP:-5}"
rounds="${BENCH_ROUNDS:-1}"
python="${PEER_PYTHON:-/usr/bin/python3}"
common=(--threads "$threads" --steps "$steps" --warmup "$warmup")

dotnet build -c Release --nologo -v quiet "$here/Portal.Bench.Engine/Portal.Bench.Engine.csproj" >/dev/null
bench_dll="$here/Portal.Bench.Engine/bin/Release/net10.0/Portal.Bench.Engine.dll"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "model: 4 layers, d=256, 4 heads, seq 128, batch 8, vocab 1000; AdamW + grad clipping; $warmup warm-up + $steps timed steps; $threads threads"

# The peer uses OpenBLAS when it is installed (libopenblas0-pthread), whatever the system's BLAS alternative says.
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread
[[ -f "$openblas/libblas.so.3" ]] && export LD_LIBRARY_PATH="$openblas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

matmul_1024="$(dotnet "$bench_dll" --threads "$threads" --matmul 1024 --steps 20)"
echo "$matmul_1024"
"$python" "$here/peer.py" --threads "$threads" --matmul 1024 --steps 20
peak="$(dotnet "$bench_dll" --threads "$threads" --matmul 2048 --steps 10)"
echo "$peak (peak probe)"
gflops() { sed -E 's/.*gflops=([0-9.]+).*/\1/' <<<"$1"; }

step_ms() { sed -E 's/.*step_ms=([0-9.]+).*/\1/' <<<"$1"; }
faster() { awk -v a="$(step_ms "$1")" -v b="$(step_ms "$2")" 'BEGIN { exit !(a < b) }'; }

portal_line="" peer_line=""
for ((round = 1; round <= rounds; round++)); do
  line="$(dotnet "$bench_dll" "${common[@]}" --device cpu)"
  echo "$line"
  if [[ -z "$portal_line" ]] || faster "$line" "$portal_line"; then portal_line="$line"; fi
  line="$("$python" "$here/peer.py" "${common[@]}" --device cpu)"
  echo "$line"
  if [[ -z "$peer_line" ]] || faster "$line" "$peer_line"; then peer_line="$line"; fi
done

if "$python" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  echo "cuda: $("$python" "$here/peer.py" "${common[@]}" --device cuda)"
  echo "cuda: $(dotnet "$bench_dll" "${common[@]}" --device cuda)"
fi

awk -v m="$(gflops "$matmul_1024")" -v p="$(gflops "$peak")" 'BEGIN { printf "matmul 1024: %.1f GFLOP/s = %.2f of the measured peak %.1f GFLOP/s (target >= 0.8)\n", m, m / p, p }'
awk -v p="$(step_ms "$portal_line")" -v t="$(step_ms "$peer_line")" 'BEGIN { printf "ratio=%.3f (portal step %s ms / pytorch step %s ms; target <= 1.1)\n", p / t, p, t }'
