#!/usr/bin/env bash
# Makes TorchSharp's libLibTorchSharp.so load where the system libstdc++ predates GCC 13 (Debian 12: GLIBCXX_3.4.30).
# Usage: torchsharp-compat.sh ORIGINAL_SO OUT_DIR
# Prints "native" when the system library is new enough (nothing written), else "patched" after writing
# OUT_DIR/libLibTorchSharp.so and OUT_DIR/libportal_cxx_compat.so. The NuGet cache is only read. See docs/adr/0013.
set -euo pipefail

original=$1
out_dir=$2
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
symbol=_ZSt21ios_base_library_initv
version=GLIBCXX_3.4.32

system_libstdcxx() {
  local path
  path=$(/sbin/ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
  echo "${path:-/usr/lib/x86_64-linux-gnu/libstdc++.so.6}"
}

if grep -qa "$version" "$(system_libstdcxx)" || ! grep -qa "$version" "$original"; then
  echo native
  exit 0
fi

if [[ -f "$out_dir/libLibTorchSharp.so" && -f "$out_dir/libportal_cxx_compat.so" \
      && "$out_dir/libLibTorchSharp.so" -nt "$original" && "$out_dir/libLibTorchSharp.so" -nt "${BASH_SOURCE[0]}" ]]; then
  echo patched
  exit 0
fi

command -v patchelf >/dev/null || { echo "torchsharp-compat: patchelf is required (apt-get install patchelf)" >&2; exit 1; }
command -v g++ >/dev/null || { echo "torchsharp-compat: g++ is required (apt-get install g++)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "torchsharp-compat: python3 is required" >&2; exit 1; }

mkdir -p "$out_dir"
work=$(mktemp -d "$out_dir/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# GCC 13 emits this empty function only to pin the library version; an unversioned empty definition stands in for it.
g++ -shared -fPIC -O2 -o "$work/libportal_cxx_compat.so" -x c++ - <<'CXX'
namespace std { void ios_base_library_init() {} }
CXX

cp "$original" "$work/libLibTorchSharp.so"
chmod u+w "$work/libLibTorchSharp.so"
patchelf --clear-symbol-version "$symbol" "$work/libLibTorchSharp.so"
patchelf --add-needed libportal_cxx_compat.so "$work/libLibTorchSharp.so"
python3 "$here/weaken-version-need.py" "$work/libLibTorchSharp.so" "$version"

# Renames are atomic, so parallel builds of several projects never see a half-written library.
mv -f "$work/libportal_cxx_compat.so" "$out_dir/libportal_cxx_compat.so"
mv -f "$work/libLibTorchSharp.so" "$out_dir/libLibTorchSharp.so"
echo patched
