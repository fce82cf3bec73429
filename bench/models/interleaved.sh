#!/usr/bin/env bash
# Generation only, Portal and PyTorch alternating for ROUNDS rounds (default 5), then the median of each and their
# ratio: on a shared machine the load moves between runs, and alternating exposes both to the same load.
# Env: BENCH_THREADS (default 1), ROUNDS (default 5), PEER_PYTHON (/usr/bin/python3).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
threads="${BENCH_THREADS:-1}"
rounds="${ROUNDS:-5}"
python="${PEER_PYTHON:-/usr/bin/python3}"

dotnet build -c Release --nologo -v quiet "$here/Portal.Bench.Models/Portal.Bench.Models.csproj" >/dev/null
echo "machine: $(nproc) cores; $threads threads; $rounds rounds; load average $(cut -d' ' -f1-3 /proc/loadavg)"
portal=() served=() peer=()
for _ in $(seq "$rounds"); do
  out="$(dotnet "$here/Portal.Bench.Models/bin/Release/net10.0/Portal.Bench.Models.dll" "$threads" generate)"
  portal+=("$(grep '^generate_tokens_per_s=' <<<"$out" | cut -d= -f2)")
  served+=("$(grep '^serve_adapter_tokens_per_s=' <<<"$out" | cut -d= -f2)")
  peer+=("$("$python" "$here/peer.py" "$threads" generate | grep '^generate_tokens_per_s=' | cut -d= -f2)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "portal generate_tokens_per_s: ${portal[*]}"
echo "portal serve_adapter_tokens_per_s: ${served[*]}"
echo "pytorch generate_tokens_per_s: ${peer[*]}"
p="$(median "${portal[@]}")" s="$(median "${served[@]}")" t="$(median "${peer[@]}")"
awk -v p="$p" -v s="$s" -v t="$t" 'BEGIN { printf "median portal=%s serve_adapter=%s pytorch=%s\nratio generate portal/pytorch=%.2f\nratio serve_adapter/generate portal=%.2f\n", p, s, t, p / t, s / p }'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
