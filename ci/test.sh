#!/usr/bin/env bash
# The README's test command: installs, builds, runs every test, then the whole suite again under
# ASan+UBSan (ci/sanitize.sh) and each fuzz target for a bounded time (ci/fuzz.sh); prints
# "N passed, N failed" over all three. FUZZ_SECONDS sets the time per fuzz target (default 20).
# The release (amd64 from this build, arm64 cross-built) comes before the tests: test_arm64.py
# runs dist/'s arm64 binary under qemu.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
bash ci/install-deps.sh
t_deps=$((SECONDS - t0))
bash ci/build.sh build
t_build=$((SECONDS - t0 - t_deps))
BERTH_AMD64_BUILD=build bash packaging/release.sh
t_release=$((SECONDS - t0 - t_deps - t_build))
status=0
# The shipped binary's byte budget (docs/binary-size.md).
bash ci/size.sh || status=1
BERTH_STRICT=${BERTH_STRICT:-1} meson test -C build --print-errorlogs --num-processes 1 || status=$?
t_test=$((SECONDS - t0 - t_deps - t_build - t_release))
t1=$SECONDS
# The clang fuzz build runs niced beside the sanitizer run, whose tests mostly wait on children.
nice -n 19 bash ci/fuzz.sh --build-only >fuzz-build.log 2>&1 &
fuzz_build=$!
BERTH_STRICT=${BERTH_STRICT:-1} bash ci/sanitize.sh || status=1
t_sanitize=$((SECONDS - t1))
t1=$SECONDS
wait "$fuzz_build" || { cat fuzz-build.log; status=1; }
bash ci/fuzz.sh || status=1
t_fuzz=$((SECONDS - t1))
echo "timings: deps ${t_deps}s, build ${t_build}s, release ${t_release}s, tests ${t_test}s," \
  "sanitizers ${t_sanitize}s, fuzzing ${t_fuzz}s"
logs=(build/meson-logs/testlog.json)
for f in build-asan/meson-logs/unitlog.json build-asan/meson-logs/testlog.json build-fuzz/fuzzlog.json; do
  if [ -f "$f" ]; then logs+=("$f"); fi
done
/usr/bin/python3 ci/summary.py "${logs[@]}"
exit "$status"
