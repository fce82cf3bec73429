#!/usr/bin/env bash
# Builds the native tensor shim into <repo>/.build/native/libportal_torch.so.
# Skips the build when the library is newer than every source file.
# GPU nodes: export CMAKE_PREFIX_PATH="$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')"
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
out_dir="$repo/.build/native"
library="$out_dir/libportal_torch.so"
work_dir="$repo/.build/native-cmake"

if [[ -f "$library" ]] && [[ -z "$(find "$here" -newer "$library" -type f \( -name '*.cpp' -o -name '*.h' -o -name 'CMakeLists.txt' \))" ]]; then
  echo "native: $library is up to date"
  exit 0
fi

prefix="${CMAKE_PREFIX_PATH:-}"
if [[ -z "$prefix" ]]; then
  for candidate in /usr/lib/x86_64-linux-gnu/cmake/Torch /usr/lib/aarch64-linux-gnu/cmake/Torch /usr/share/cmake/Torch; do
    if [[ -f "$candidate/TorchConfig.cmake" ]]; then prefix="$candidate"; break; fi
  done
fi
if [[ -z "$prefix" ]]; then
  echo "native: libtorch not found. Install Debian's libtorch-dev (apt-get install libtorch-dev)," >&2
  echo "        or set CMAKE_PREFIX_PATH to torch.utils.cmake_prefix_path of an installed PyTorch." >&2
  exit 1
fi

command -v cmake >/dev/null || { echo "native: cmake is not installed" >&2; exit 1; }

echo "native: building $library against libtorch at $prefix"
mkdir -p "$out_dir" "$work_dir"
cmake -S "$here" -B "$work_dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
  -DPORTAL_NATIVE_OUTPUT_DIR="$out_dir" >"$work_dir/configure.log" 2>&1 \
  || { cat "$work_dir/configure.log" >&2; echo "native: cmake configure failed (is libtorch installed?)" >&2; exit 1; }
cmake --build "$work_dir" --parallel "$(nproc)"
touch "$library"
echo "native: built $library"
