#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds berth_VERSION_ARCH.deb from one static binary with dpkg-deb (the package has no
# dependencies, so debhelper would add nothing): /usr/bin/berth, the compat names under
# /usr/lib/berth/ (off PATH, so they never clash with Debian's tini, dumb-init or catatonit),
# the man page and the docs.
# Usage: packaging/deb.sh BINARY ARCH VERSION OUTDIR
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 BINARY ARCH VERSION OUTDIR" >&2; exit 2; }
binary=$1 arch=$2 version=$3 out=$4
src=$(cd "$(dirname "$0")/.." && pwd)
root=$(mktemp -d)
chmod 0755 "$root"  # mktemp makes it 0700, and it becomes the package's /
trap 'rm -rf "$root"' EXIT

install -D -m 0755 "$binary" "$root/usr/bin/berth"
install -d "$root/usr/lib/berth"
for name in tini tini-static docker-init dumb-init catatonit; do
  ln -s ../../bin/berth "$root/usr/lib/berth/$name"
done

install -d "$root/usr/share/man/man1"
if command -v scdoc >/dev/null; then
  scdoc <"$src/docs/berth.1.scd" | gzip -9n >"$root/usr/share/man/man1/berth.1.gz"
else
  echo "deb.sh: scdoc not found (apt-get install scdoc): the man page is required" >&2
  exit 1
fi

doc=$root/usr/share/doc/berth
install -d "$doc/examples"
install -m 0644 "$src/README.md" "$src/NEWS.md" "$src"/docs/*.md "$doc/"
cp -r "$src"/examples/* "$doc/examples/"
rm -rf "$doc/examples/demo"
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: berth"
  echo
  echo "Files: *"
  echo "License: MIT"
  sed 's/^$/./; s/^/ /' "$src/LICENSE"
} >"$doc/copyright"

install -d "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: berth
Version: $version
Architecture: $arch
Maintainer: The berth authors <berth@example.org>
Section: admin
Priority: optional
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Description: tiny static init (PID 1) for containers
 berth runs one program as its child: it forwards and translates signals, reaps
 zombies, stops the program gracefully with a drain and a deadline, and exits
 with its status. It is a drop-in for tini, dumb-init and catatonit: the
 symlinks under /usr/lib/berth/ make it behave as each.
CONTROL

mkdir -p "$out"
deb="$out/berth_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
