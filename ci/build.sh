#!/usr/bin/env bash
# Builds the shipped form of berth: static, LTO, warnings as errors. Usage: ci/build.sh [BUILDDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" --werror >/dev/null
fi
ninja -C "$dir"
file "$dir/berth" | grep -q "statically linked" || { echo "berth is not statically linked" >&2; exit 1; }
