#!/usr/bin/env bash
# Builds berth with ASan+UBSan (dynamic: ASan cannot link statically; no LTO) and runs the whole
# test suite, unit and integration, against it. Any sanitizer report fails the run: reports go to
# files under build-asan/sanitizer/ (berth's stderr is the tests' to read), and one file is enough.
# The helper testbin stays uninstrumented (tests/meson.build), as bubblewrap does.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build-asan
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" -Db_sanitize=address,undefined -Dstatic=false -Db_lto=false \
    -Dbuildtype=debug -Dstrip=false --werror >/dev/null
fi
ninja -C "$dir" >/dev/null
reports="$PWD/$dir/sanitizer"
rm -rf "$reports" && mkdir -p "$reports"
# handle_*=0: ASan's own SIGSEGV/SIGBUS/SIGFPE handlers would replace the dispositions berth
# inherited and must pass on to its child unchanged (test_tini_compat checks that).
asan="halt_on_error=1:exitcode=86:log_path=$reports/asan:detect_stack_use_after_return=1:\
check_initialization_order=1:strict_init_order=1:handle_segv=0:handle_sigbus=0:handle_sigfpe=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=86:log_path=$reports/ubsan"
export LSAN_OPTIONS="exitcode=86"
export BERTH_SANITIZED=1  # the tests that cap address space (prlimit --as) skip: ASan maps terabytes
# Every test of the built berth; not those of other artefacts: the release and arm64 binaries
# in dist/ and the .deb (deb, arm64), the static binary in an empty root (scratch), the man page
# (docs), the engines' (engine: its images hold berth alone, with no libasan to load), the
# sources' format (format_and_tidy: the first build ran it).
mapfile -t all < <(meson test -C "$dir" --list --no-rebuild 2>/dev/null |
  awk -F' / ' 'NF == 2 {print $2}' | grep -Ev '^(integration_(deb|arm64|scratch|docs)|engine|format_and_tidy)$')
# bench_smoke runs the built berth as PID 1 too, so it goes with the integration tests: under
# LeakSanitizer each berth hung at its exit (88 s instead of 7, four berths left behind).
runs_berth='^(integration_.*|bench_smoke)$'
mapfile -t integration < <(printf '%s\n' "${all[@]}" | grep -E "$runs_berth")
mapfile -t others < <(printf '%s\n' "${all[@]}" | grep -Ev "$runs_berth")
status=0
# Unit tests and fuzz replays with LeakSanitizer. The tests that run berth without it: it stops
# the world with clone+ptrace at exit, which berth's own seccomp allowlist refuses.
ASAN_OPTIONS="$asan:detect_leaks=1" meson test -C "$dir" --print-errorlogs --num-processes 1 \
  --logbase unitlog "${others[@]}" || status=$?
# An instrumented berth runs several times slower (tini's suite takes a minute here, five on a
# loaded machine): the multiplier keeps a slow machine from passing for a hang.
ASAN_OPTIONS="$asan:detect_leaks=0" BERTH_STRICT=${BERTH_STRICT:-1} meson test -C "$dir" \
  --print-errorlogs --num-processes 1 --timeout-multiplier 3 "${integration[@]}" || status=$?
if compgen -G "$reports/*" >/dev/null; then
  echo "sanitizer reports:" >&2
  for f in "$reports"/*; do echo "== $f" >&2; head -40 "$f" >&2; done
  status=1
else
  echo "sanitizers: no report (ASan, UBSan; LSan over the unit tests) over the whole suite"
fi
exit "$status"
