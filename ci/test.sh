#!/usr/bin/env bash
# The README's test command: installs, builds, runs every test, prints "N passed, N failed".
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
BERTH_STRICT=${BERTH_STRICT:-1} meson test -C build --print-errorlogs --num-processes 1 || status=$?
t_test=$((SECONDS - t0 - t_deps - t_build - t_release))
echo "timings: deps ${t_deps}s, build ${t_build}s, release ${t_release}s, tests ${t_test}s"
/usr/bin/python3 ci/summary.py build/meson-logs/testlog.json
exit "$status"
