#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the abseil the shipped berth links: Debian 12's own source package (20220623.1 with
# Debian's patches, the same code as libabsl-dev), compiled with the flags a static link needs
# (-Os, function and data sections so --gc-sections can drop what berth does not reach, NDEBUG),
# for the four modules berth uses. Debian's libabsl-dev is compiled for shared libraries, so a
# static link takes its objects whole (docs/binary-size.md).
#   ci/abseil.sh amd64|arm64   -> prints the directory of the .pc files, for meson's pkg_config_path
# The tarballs are fetched from Debian's archive and checked, never kept in this repository; the
# installed prefix is cached under $BERTH_CACHE (default /var/cache/berth) keyed on the tarballs'
# checksums, the flags and the target, so a rerun costs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${1:?usage: ci/abseil.sh amd64|arm64}
cache=${BERTH_CACHE:-/var/cache/berth}
[ -w "$cache" ] || mkdir -p "$cache" 2>/dev/null || cache=$PWD/build-absl/cache

version=20220623.1
debian_rev=1+deb12u2
orig=abseil_$version.orig.tar.gz
orig_sha256=abfe2897f3a30edaa74bc34365afe3c2a3cd012091a97dc7e008f7016adcd5fe
debian=abseil_$version-$debian_rev.debian.tar.xz
debian_sha256=e08490fc7b6f3beca1925953b0c4fb92df2de5e2a01295e4641e2a3d4e528eeb
flags='-Os -ffunction-sections -fdata-sections -DNDEBUG'
targets=(strings time)  # cmake names of absl_strings, absl_time

case "$arch" in
  amd64) cross=() ;;
  arm64)
    cross=(-DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=aarch64
      -DCMAKE_CXX_COMPILER=aarch64-linux-gnu-g++) ;;
  *) echo "ci/abseil.sh: unknown architecture '$arch' (amd64 or arm64)" >&2; exit 2 ;;
esac

# fetch FILE SHA256: into the cache from Debian's archive, checked.
fetch() {
  local f=$cache/$1
  if ! echo "$2  $f" | sha256sum -c --status 2>/dev/null; then
    python3 -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' \
      "http://deb.debian.org/debian/pool/main/a/abseil/$1" "$f.part"
    echo "$2  $f.part" | sha256sum -c --quiet
    mv "$f.part" "$f"
  fi
}

key=$(printf '%s\n' "$orig_sha256" "$debian_sha256" "$flags" "${targets[*]}" "$arch" |
  sha256sum | cut -c1-16)
prefix=$cache/abseil-$version-$arch-$key
if [ ! -f "$prefix/done" ]; then
  mkdir -p "$cache"
  fetch "$orig" "$orig_sha256"
  fetch "$debian" "$debian_sha256"
  work=$(mktemp -d "${TMPDIR:-/tmp}/berth-abseil.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  tar -xzf "$cache/$orig" -C "$work"
  src=$work/abseil-$version
  tar -xJf "$cache/$debian" -C "$src"
  while read -r p; do
    case "$p" in '' | '#'*) continue ;; esac
    patch -d "$src" -p1 -s <"$src/debian/patches/$p"
  done <"$src/debian/patches/series"
  t0=$SECONDS
  # CMAKE_BUILD_TYPE empty: the flags above are all the optimisation flags there are.
  cmake -S "$src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE= \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_CXX_STANDARD=17 \
    -DBUILD_SHARED_LIBS=OFF -DBUILD_TESTING=OFF -DABSL_PROPAGATE_CXX_STD=ON \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib "${cross[@]}" >/dev/null
  ninja -C "$work/build" "${targets[@]}" >/dev/null
  # cmake --install wants every abseil target built; only the four modules and what they need
  # are, so install by hand: the headers, the archives built, the .pc files cmake generated.
  rm -rf "$prefix"
  mkdir -p "$prefix/include" "$prefix/lib/pkgconfig"
  (cd "$src" &&
    find absl \( -name '*.h' -o -name '*.inc' \) -exec cp --parents -t "$prefix/include" {} +)
  find "$work/build" -name 'libabsl_*.a' -exec cp {} "$prefix/lib/" \;
  cp "$work/build"/lib/pkgconfig/absl_*.pc "$prefix/lib/pkgconfig/"
  echo "abseil $version ($arch) built in $((SECONDS - t0))s: $flags" >"$prefix/done"
  cat "$prefix/done" >&2
fi
echo "$prefix/lib/pkgconfig"
