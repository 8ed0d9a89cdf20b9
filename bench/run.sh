#!/usr/bin/env bash
# The one benchmark command: installs the peers and tools from Debian, builds berth's shipped
# form (static, LTO) and bench/benchbin, runs every measurement, prints the table and writes
# bench/RESULTS.md and bench/results.png. As root. Extra arguments go to bench/bench.py
# (e.g. --smoke, --runs 3).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/install-deps.sh >/dev/null
bash ci/build.sh build >/dev/null
exec /usr/bin/python3 bench/bench.py --build build "$@"
