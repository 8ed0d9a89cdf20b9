#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Fails when the shipped amd64 binary (dist/, from packaging/release.sh) is larger than its
# budget, or when std::ios_base::Init (every locale facet) or glibc's tzset (the tzfile reader
# and scanf) is linked again (symbols of the unstripped build BERTH_AMD64_BUILD, default build),
# so the size cannot drift back up unnoticed (docs/binary-size.md says what brought each).
# Prints both architectures' sizes.
#   ci/size.sh            (after packaging/release.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
# The budget: stripped bytes of dist/berth-*-linux-amd64. Raise it only with a reason in
# docs/binary-size.md.
budget=1760000

amd64=$(ls dist/berth-*-linux-amd64)
arm64=$(ls dist/berth-*-linux-arm64)
size=$(stat -c %s "$amd64")
printf 'size: %s %d bytes (budget %d), %s %d bytes\n' "${amd64#dist/}" "$size" "$budget" \
  "${arm64#dist/}" "$(stat -c %s "$arm64")"
status=0
unstripped=${BERTH_AMD64_BUILD:-build}/berth
symbols=$(nm -C "$unstripped")
for sym in 'std::ios_base::Init::Init()' tzset; do
  if grep -qE " [TW] ${sym//[()]/.}\$" <<<"$symbols"; then
    echo "size: $sym is linked into $unstripped (docs/binary-size.md: what brought it before)" >&2
    status=1
  fi
done
if ((size > budget)); then
  echo "size: $amd64 is $size bytes, over its budget of $budget (ci/size.sh)" >&2
  status=1
fi
exit $status
