#!/usr/bin/env bash
# The README's test command: installs, builds, runs every test, prints "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/install-deps.sh
bash ci/build.sh build
status=0
BERTH_STRICT=${BERTH_STRICT:-1} meson test -C build --print-errorlogs --num-processes 1 || status=$?
/usr/bin/python3 ci/summary.py build/meson-logs/testlog.json
exit "$status"
