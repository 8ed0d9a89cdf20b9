#!/usr/bin/env bash
# Installs everything berth needs to build, test and run its demo on Debian 12, as root.
# One list, used by the README's two commands and by CI.
set -euo pipefail

packages=(
  # build
  g++ meson ninja-build pkg-config git file
  libabsl-dev libfmt-dev libcap-dev libseccomp-dev doctest-dev libtomlplusplus-dev
  libc-ares-dev
  nlohmann-json3-dev
  # tests
  python3 python3-pytest util-linux bsdutils procps
  # fuzzing: clang 19 and its libFuzzer and sanitizer runtimes (Debian 12's clang 14 and 16 cannot
  # compile libstdc++ 12's <expected>: they predate C++20's conditionally trivial members)
  clang-19 libclang-rt-19-dev
  # style: tests/check_style.py checks the changed lines against .clang-format (clang-format 14)
  # and .clang-tidy (clang-tidy 19, for <expected> as above)
  clang-format-14 clang-tidy-19
  # the peers, for side-by-side checks; nginx for the --map TERM:QUIT case
  tini dumb-init catatonit nginx-light
  # docs and packaging: the man page, the scratch image's only other program, YAML for examples
  scdoc busybox-static python3-yaml
  # release: the arm64 cross build (multiarch :arm64 -dev packages) and its test under qemu
  g++-aarch64-linux-gnu libabsl-dev:arm64 libcap-dev:arm64 libseccomp-dev:arm64 libc-ares-dev:arm64
  qemu-user-static
  # bench/run.sh (Debian's tini package ships tini-static too): instruction counts, the plot,
  # the /healthz load, curl to compare `berth probe` with
  valgrind gnuplot-nox wrk curl
  # tests/engine: berth under a private dockerd (docker.io's 20.10: daemon, containerd, runc and
  # the matching client) and under Podman 4.3; mmdebstrap for the examples' Debian 12 base
  docker.io podman mmdebstrap
)

# The :arm64 packages above need the architecture known to dpkg before apt-get update.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}"
fi

# dumb-init's own test suite, which tests/integration/test_dumb_init_suite.py runs against berth
# under the name dumb-init: the upstream source of the dumb-init Debian 12 ships, fetched from
# Debian's archive and checked, never kept in this repository.
suite=/var/cache/berth/dumb-init_1.2.5.orig.tar.gz
suite_sha256=3eda470d8a4a89123f4516d26877a727c0945006c8830b7e3bad717a5f6efc4e
if ! echo "$suite_sha256  $suite" | sha256sum -c --status 2>/dev/null; then
  mkdir -p "$(dirname "$suite")"
  python3 -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' \
    http://deb.debian.org/debian/pool/main/d/dumb-init/dumb-init_1.2.5.orig.tar.gz "$suite.part"
  echo "$suite_sha256  $suite.part" | sha256sum -c --quiet
  mv "$suite.part" "$suite"
fi

# The base tests/engine/test_examples.py builds the example images on, as no registry is reachable:
# a Debian 12 with the programs of the examples' official bases, and their users. Made once
# (mmdebstrap, a few minutes) and kept; the number in the name changes with the list.
examples_base=/var/cache/berth/debian12-examples-1.tar
if [ ! -f "$examples_base" ]; then
  mkdir -p "$(dirname "$examples_base")"
  mmdebstrap --quiet --variant=minbase --include=python3,gunicorn,nodejs,nginx-light \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook='chroot "$1" useradd --system --no-create-home nginx' \
    --customize-hook='chroot "$1" useradd --create-home --uid 1000 node' \
    bookworm "${examples_base%.tar}.part.tar" http://deb.debian.org/debian
  mv "${examples_base%.tar}.part.tar" "$examples_base"
fi
