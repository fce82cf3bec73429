#!/usr/bin/env bash
# LoRA SFT throughput on CPU: Portal's trainer vs the same shapes in PyTorch (Debian's python3-torch,
# hand-written LoRA since peft is not packaged). Last line: ratio=<pytorch tokens/s / portal tokens/s>
# (> 1 means Portal is faster). Env: BENCH_THREADS (nproc), BENCH_STEPS (10), BENCH_WARMUP (2), PEER_PYTHON.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
threads="${BENCH_THREADS:-$(nproc)}"
common=(--threads "$threads" --steps "${BENCH_STEPS:-10}" --warmup "${BENCH_WARMUP:-2}")
python="${PEER_PYTHON:-/usr/bin/python3}"
# The peer uses OpenBLAS when it is installed (libopenblas0-pthread), whatever the system's BLAS alternative says.
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread
[[ -f "$openblas/libblas.so.3" ]] && export LD_LIBRARY_PATH="$openblas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

dotnet build -c Release --nologo -v quiet "$here/Portal.Bench.Trainers/Portal.Bench.Trainers.csproj" >/dev/null
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); model d=256, 4 layers, seq 128, batch 4, LoRA r=8 all-linear; $threads threads"
portal="$(dotnet "$here/Portal.Bench.Trainers/bin/Release/net10.0/Portal.Bench.Trainers.dll" "${common[@]}" --device cpu)"
echo "$portal"
peer="$("$python" "$here/peer.py" "${common[@]}" --device cpu)"
echo "$peer"
tps() { sed -E 's/.*tokens_per_second=([0-9.]+).*/\1/' <<<"$1"; }
awk -v p="$(tps "$portal")" -v t="$(tps "$peer")" 'BEGIN { printf "ratio=%.3f (portal %s tok/s vs pytorch %s tok/s; portal/pytorch)\n", p / t, p, t }'
