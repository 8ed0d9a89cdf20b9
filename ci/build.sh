#!/usr/bin/env bash
# Builds the shipped form of berth: static, LTO, warnings as errors. Usage: ci/build.sh [BUILDDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
# abseil built for a static link (ci/abseil.sh) instead of Debian's libabsl-dev: what ships.
pc=$(bash ci/abseil.sh amd64)
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" --werror -Dpkg_config_path="$pc" >/dev/null
else  # a build dir set up before, or by hand with libabsl-dev: point it at the same abseil
  configured=$(meson introspect --buildoptions "$dir" | /usr/bin/python3 -c 'import json, sys
print(*[o["value"] for o in json.load(sys.stdin) if o["name"] == "pkg_config_path"][0])')
  [ "$configured" = "$pc" ] || meson configure "$dir" -Dpkg_config_path="$pc" >/dev/null
fi
ninja -C "$dir"
file "$dir/berth" | grep -q "statically linked" || { echo "berth is not statically linked" >&2; exit 1; }
