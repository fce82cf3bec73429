#!/usr/bin/env bash
# Times the same decoder-LM training step in Portal's engine and in PyTorch (Debian's python3-torch),
# with the same thread count, and prints "ratio=<portal/pytorch>" as the LAST line.
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

"$repo/src/Portal.Ml/native/build.sh"
dotnet build -c Release --nologo -v quiet "$here/Portal.Bench.Engine/Portal.Bench.Engine.csproj" >/dev/null
bench_dll="$here/Portal.Bench.Engine/bin/Release/net10.0/Portal.Bench.Engine.dll"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "model: 4 layers, d=256, 4 heads, seq 128, batch 8, vocab 1000; AdamW + grad clipping; $warmup warm-up + $steps timed steps; $threads threads"

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

awk -v p="$(step_ms "$portal_line")" -v t="$(step_ms "$peer_line")" 'BEGIN { printf "ratio=%.3f (portal step %s ms / pytorch step %s ms; target <= 1.25)\n", p / t, p, t }'
