#!/usr/bin/env bash
# ThreadSanitizer gate: builds build-tsan (clang++, -DMEMWATCH_SANITIZE=thread)
# and runs the unit and integration tests under it. The daemon binary the
# integration tests start is built with TSan too; every report, from the
# test binaries or from a daemon they started, goes to a log file, and any
# such file fails the run even when the tests themselves passed.
# Usage: scripts/tsan.sh [extra ctest args for the integration tests, e.g. -R Hostile]
# Env:   TSAN_BUILD_TYPE (default RelWithDebInfo), TSAN_CXX (default clang++;
#        g++ works too).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-tsan
jobs=$(nproc)
started=$(date +%s)
# The unit tests of the modules that run threads (or hand work between
# them): ThreadSanitizer finds races only between threads, and the pure core
# (info, checks, keyspace, config, doctor, types) and the single-threaded
# readers (host, net's clients, used from one thread each) run on one thread
# in their tests. Their code runs on the daemon's threads too: the
# integration tests start a daemon built with TSan.
threaded_modules=(alerting app metrics notify poller)
targets="redis-memwatch memwatch_integration_tests"
for m in "${threaded_modules[@]}"; do targets+=" memwatch_unit_$m"; done

cxx=$(command -v "${TSAN_CXX:-clang++}")
# A tree configured with another compiler cannot switch in place.
if [ -f "$build/CMakeCache.txt" ] &&
  ! grep -q "^CMAKE_CXX_COMPILER:[A-Z]*=$cxx\$" "$build/CMakeCache.txt"; then
  rm -rf "$build"
fi
BUILD_TARGET=$targets "$root/scripts/build.sh" "$build" -DCMAKE_BUILD_TYPE="${TSAN_BUILD_TYPE:-RelWithDebInfo}" \
  -DMEMWATCH_SANITIZE=thread -DCMAKE_CXX_COMPILER="$cxx"
built=$(date +%s)
echo "tsan: built in $((built - started)) s"

reports=$build/tsan-reports
rm -rf "$reports"
mkdir -p "$reports"
# halt_on_error: a race fails the process that has it, at once. log_path
# keeps reports of daemons started by tests (their stderr is a temp file
# the test deletes). second_deadlock_stack: both stacks of a lock inversion.
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 history_size=4 log_path=$reports/tsan suppressions=$root/tests/tsan.supp"
status=0
# The unit tests a few processes per binary, not one per test: a TSan
# process start is slow (scripts/unit_binaries.sh).
"$root/scripts/unit_binaries.sh" "$build" "${threaded_modules[@]}" || status=1
# The ops_ scripts check files (rules, dashboard, unit, package), not threads
# (-E: one exclusion regex, which extra arguments may replace).
if [[ " $* " == *" -E "* ]]; then exclude=(); else exclude=(-E '^ops_'); fi
ctest --test-dir "$build" -L integration "${exclude[@]}" --output-on-failure -j "$jobs" \
  --timeout 600 "$@" || status=1

if compgen -G "$reports/tsan*" >/dev/null; then
  echo "tsan: reports in $reports:" >&2
  grep -h -A12 'WARNING: ThreadSanitizer' "$reports"/tsan* | head -80 >&2
  status=1
fi
echo "tsan: tests in $(($(date +%s) - built)) s, total $(($(date +%s) - started)) s:" \
  "$([ "$status" = 0 ] && echo clean || echo FAILED)"
exit "$status"
