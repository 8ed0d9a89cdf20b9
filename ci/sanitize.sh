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
# detect_leaks=0: LeakSanitizer stops the world with clone+ptrace at exit, which berth's own
# seccomp allowlist (security module, merged after this script was written) refuses.
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=0:exitcode=86:log_path=$reports/asan:\
detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:\
handle_segv=0:handle_sigbus=0:handle_sigfpe=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=86:log_path=$reports/ubsan"
export LSAN_OPTIONS="exitcode=86"
export BERTH_SANITIZED=1  # the tests that cap address space (prlimit --as) skip: ASan maps terabytes
# Every test of the built berth; not those of other artefacts: the release and arm64 binaries
# in dist/ and the .deb (deb, arm64), the static binary in an empty root (scratch), the man page
# (docs). Nor `berth check` (check): it times how fast berth and its children vanish, and
# LeakSanitizer's scan at each exit makes berth look like a leftover (no report was raised).
mapfile -t tests < <(meson test -C "$dir" --list --no-rebuild 2>/dev/null |
  awk -F' / ' 'NF == 2 {print $2}' | grep -Ev '^integration_(deb|arm64|scratch|docs|check)$')
status=0
BERTH_STRICT=${BERTH_STRICT:-1} meson test -C "$dir" --print-errorlogs --num-processes 1 \
  "${tests[@]}" || status=$?
if compgen -G "$reports/*" >/dev/null; then
  echo "sanitizer reports:" >&2
  for f in "$reports"/*; do echo "== $f" >&2; head -40 "$f" >&2; done
  status=1
else
  echo "sanitizers: no report (ASan, LSan, UBSan) over the whole suite"
fi
exit "$status"
