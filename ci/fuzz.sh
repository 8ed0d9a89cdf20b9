#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for a bounded time from its
# seed corpus (20 s by default). Prints executions per target; a crash fails, and its input is kept under
# build-fuzz/artifacts/ to become a regression test. Usage: ci/fuzz.sh [SECONDS_PER_TARGET]
# Writes build-fuzz/fuzzlog.json (meson's testlog format) for ci/summary.py.
# ci/fuzz.sh --build-only builds and stops (ci/test.sh overlaps that with the sanitizer tests).
set -euo pipefail
cd "$(dirname "$0")/.."
build_only=0
if [ "${1:-}" = --build-only ]; then build_only=1; shift; fi
seconds=${1:-${FUZZ_SECONDS:-20}}
# A fixed seed makes CI's run a function of the code: what it finds, the same command finds
# again here. Longer or wider searches (FUZZ_SEED=0 is random) belong to a session, not to CI.
seed=${FUZZ_SEED:-1}
dir=build-fuzz
if [ ! -f "$dir/build.ninja" ]; then
  # libstdc++ 12's std::stable_sort calls its own get_temporary_buffer, which its C++23 mode
  # deprecates; clang 19 reports that inside the library's header as if it were berth's.
  CXX=clang++-19 meson setup "$dir" -Dfuzz=enabled -Dtests=disabled -Dstatic=false -Db_lto=false \
    -Dcpp_args=-Wno-deprecated-declarations \
    -Dbuildtype=debugoptimized -Db_sanitize=address,undefined -Db_lundef=false --werror >/dev/null
fi
ninja -C "$dir" >/dev/null
if ((build_only)); then exit 0; fi
mkdir -p "$dir/artifacts"
: >"$dir/fuzzlog.json"
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
status=0
for src in tests/fuzz/*_fuzz.cc; do
  t=$(basename "$src" _fuzz.cc)
  # Fuzz a copy: what libFuzzer adds to the corpus stays out of the source tree.
  work="$dir/corpus/$t"
  rm -rf "$work" && mkdir -p "$work" && cp tests/fuzz/corpus/"$t"/* "$work"/
  log="$dir/fuzz-$t.log"
  result=OK
  "$dir/tests/fuzz/fuzz_$t" -seed="$seed" -max_total_time="$seconds" -timeout=10 -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/$t-" "$work" >"$log" 2>&1 || result=FAIL
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  inputs=$(find "$work" -type f | wc -l)
  if [ "$result" = OK ]; then
    printf 'fuzz %-14s %10s executions in %ss, corpus %s inputs, no crash\n' "$t" "${runs:-?}" "$seconds" "$inputs"
  else
    status=1
    printf 'fuzz %-14s CRASH after %s executions; input: %s\n' "$t" "${runs:-?}" \
      "$(ls "$dir"/artifacts/"$t"-* 2>/dev/null | head -1)"
    grep -E 'ERROR|SUMMARY|#[0-9]+ ' "$log" | head -20
  fi
  printf '{"name": "fuzz_%s", "result": "%s", "stdout": ""}\n' "$t" "$result" >>"$dir/fuzzlog.json"
done
exit "$status"
