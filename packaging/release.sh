#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The release, in one command: stripped static berth for linux-amd64 and linux-arm64 (cross-built
# with Debian's g++-aarch64-linux-gnu and the :arm64 -dev packages), a .deb for each, a FROM-scratch
# image for each (a `docker save`/OCI tarball written without a daemon: packaging/image.py),
# SHA256SUMS.
#   packaging/release.sh            -> dist/berth-VERSION-linux-{amd64,arm64}, dist/*.deb,
#                                      dist/berth-VERSION-image-{amd64,arm64}.tar, SHA256SUMS
# BERTH_AMD64_BUILD=DIR reuses an existing static build of amd64 (CI passes its own build dir).
set -euo pipefail
cd "$(dirname "$0")/.."
amd64_dir=${BERTH_AMD64_BUILD:-build-release/amd64}
arm64_dir=build-release/arm64
dist=dist

step() { printf '== %s\n' "$*"; }
timed() {  # timed NAME CMD...: runs CMD, prints how long it took
  local t0=$SECONDS
  "${@:2}"
  printf '   %s took %ds\n' "$1" $((SECONDS - t0))
}

# Both link abseil built for a static link from Debian's source package (ci/abseil.sh).
setup_amd64() {
  [ -f "$amd64_dir/build.ninja" ] || meson setup "$amd64_dir" --werror -Dtests=disabled \
    -Dpkg_config_path="$(bash ci/abseil.sh amd64)" >/dev/null
  ninja -C "$amd64_dir" >/dev/null
}

# No --werror here: GCC 12 for aarch64 reports a false -Wnull-dereference inside libstdc++'s
# std::string that x86_64's does not; the amd64 build (and CI's) keeps warnings as errors.
setup_arm64() {
  [ -f "$arm64_dir/build.ninja" ] || meson setup "$arm64_dir" -Dtests=disabled -Dman=disabled \
    --cross-file packaging/cross/aarch64-linux-gnu.ini \
    -Dpkg_config_path="$(bash ci/abseil.sh arm64)" >/dev/null
  ninja -C "$arm64_dir" >/dev/null
}

# check_static FILE ARCH_WORDS: the release must need nothing from the image it is copied into.
check_static() {
  local what
  what=$(file -b "$1")
  case "$what" in *"statically linked"*"stripped"* | *"static-pie linked"*"stripped"*) ;;
    *) echo "release: $1 is not a stripped static binary: $what" >&2; exit 1 ;; esac
  case "$what" in *"$2"*) ;; *) echo "release: $1 is not $2: $what" >&2; exit 1 ;; esac
  case "$what" in *"not stripped"*) echo "release: $1 is not stripped" >&2; exit 1 ;; esac
}

step "build linux-amd64 ($amd64_dir)"
timed amd64 setup_amd64
step "build linux-arm64 ($arm64_dir, cross)"
timed arm64 setup_arm64

version=$(meson introspect --projectinfo "$arm64_dir" |
  /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
rm -rf "$dist"
mkdir -p "$dist"
strip -o "$dist/berth-$version-linux-amd64" "$amd64_dir/berth"
aarch64-linux-gnu-strip -o "$dist/berth-$version-linux-arm64" "$arm64_dir/berth"
check_static "$dist/berth-$version-linux-amd64" x86-64
check_static "$dist/berth-$version-linux-arm64" aarch64

step "packages"
bash packaging/deb.sh "$dist/berth-$version-linux-amd64" amd64 "$version" "$dist"
bash packaging/deb.sh "$dist/berth-$version-linux-arm64" arm64 "$version" "$dist"

step "images (berth:$version, FROM scratch, just /berth)"
# Dated by the commit, so the same source gives the same tarball.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
for arch in amd64 arm64; do
  /usr/bin/python3 packaging/image.py "$dist/berth-$version-linux-$arch" "$arch" "$version" \
    "$dist/berth-$version-image-$arch.tar"
done

(cd "$dist" && sha256sum -- * >SHA256SUMS)
step "dist/"
ls -l "$dist"
