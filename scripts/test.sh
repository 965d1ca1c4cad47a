#!/usr/bin/env bash
# Sets everything up, builds, and runs every test and quality gate:
#   format   clang-format check over our sources
#   release  Release build (-O3, hardened, warnings as errors): unit + integration tests
#   asan     ASan+UBSan build (gcc): unit + integration tests again
#   fuzz     libFuzzer targets (clang, ASan+UBSan): every corpus input, then
#            MEMWATCH_FUZZ_SECONDS of fuzzing per target (scripts/fuzz.sh)
#   tsan     ThreadSanitizer build (clang): unit + integration tests (scripts/tsan.sh)
#   tidy     clang-tidy with .clang-tidy over src/, findings fail (scripts/tidy.sh)
# Two pieces run beside the others, to keep the run within 40 minutes on
# CI's 2 cores (issue 12):
#   - tidy starts right after setup at idle CPU priority (SCHED_IDLE, nice
#     19): it takes only what the builds and the mostly waiting integration
#     tests leave, and its findings are reported, and fail the run, at the
#     end. Alone (MEMWATCH_PHASES=tidy) it runs in the foreground.
#   - the release phase's five-minute fill (EarlyWarningE2eTest.AFiveMinute
#     Fill...), which waits on a real redis-server filling up, runs beside
#     the rest of the release tests and the next build; its result is
#     reported at the end too.
# Usage: scripts/test.sh            (CI runs exactly this via .ci/run)
# Env:   MEMWATCH_PHASES="release asan"  run only these phases (default: all, in
#                                          the order above); CI may split the
#                                          matrix into jobs this way.
#        MEMWATCH_SKIP_SANITIZERS=1  skips asan, fuzz and tsan for a quick local run.
#        MEMWATCH_FUZZ_SECONDS       fuzzing time per target (default 20).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc)
phases=${MEMWATCH_PHASES:-format release asan fuzz tsan tidy}
if [ "${MEMWATCH_SKIP_SANITIZERS:-0}" = 1 ]; then
  phases=$(tr ' ' '\n' <<<"$phases" | grep -vxE 'asan|fuzz|tsan' | tr '\n' ' ')
fi
started=$(date +%s)
# Warnings are errors in every build of ours (scripts/build.sh).
export MEMWATCH_WERROR=ON
# Test sources compiled eight at a time: a cold build of the tests in less
# than half the time (tests/CMakeLists.txt).
export MEMWATCH_UNITY_TESTS=ON
# And src/ eight files at a time in every build of this run (CMakeLists.txt):
# the builds were most of the run.
export MEMWATCH_UNITY_SRC=ON
timings=()

step() { printf '\n=== %s\n' "$*"; }

# Background jobs: NAME, pid, log and start time; finished by finish_background.
bg_names=()
bg_pids=()
bg_logs=()
bg_starts=()
background() {
  local name=$1 log
  shift
  log=$(mktemp "${TMPDIR:-/tmp}/memwatch-test-$name.XXXXXX")
  # Its own process group (set -m), so that a failed run can stop it with
  # all its children; not its own session (setsid), which would give it its
  # own scheduler autogroup, with the same CPU share as the rest of the run
  # whatever its priority.
  set -m
  "$@" >"$log" 2>&1 &
  set +m
  bg_names+=("$name")
  bg_pids+=($!)
  bg_logs+=("$log")
  bg_starts+=("$(date +%s)")
  echo "($name runs in the background: $log)"
}
# Waits for every background job and prints its output; fails if any failed.
finish_background() {
  local i status failed=0 t0
  for i in "${!bg_pids[@]}"; do
    step "${bg_names[$i]} (ran in the background)"
    t0=$(date +%s)
    status=0
    wait "${bg_pids[$i]}" || status=$?
    bg_pids[i]=0
    cat "${bg_logs[$i]}"
    rm -f "${bg_logs[$i]}"
    timings+=("${bg_names[$i]} done within $(($(date +%s) - bg_starts[i])) s in the background, waited for $(($(date +%s) - t0)) s")
    if [ "$status" != 0 ]; then
      echo "${bg_names[$i]}: FAILED (exit $status)" >&2
      failed=1
    fi
  done
  return "$failed"
}
stop_background() {
  local pid
  for pid in "${bg_pids[@]}"; do
    if [ "$pid" != 0 ]; then kill -- "-$pid" 2>/dev/null || true; fi
  done
}
trap stop_background EXIT
wants() { [[ " $phases " == *" $1 "* ]]; }
# Runs one phase and records how long it took.
phase() {
  local name=$1 t0
  shift
  wants "$name" || return 0
  t0=$(date +%s)
  "$@"
  timings+=("$name $(($(date +%s) - t0)) s")
}

step "setup"
scripts/setup.sh

format() {
  step "clang-format"
  local sources
  mapfile -t sources < <(find include src tests bench -name '*.h' -o -name '*.cc' 2>/dev/null | sort)
  clang-format --dry-run --Werror "${sources[@]}"
  echo "clang-format: ${#sources[@]} files clean"
}

# run_tests DIR [ctest args for the integration tests, e.g. -E REGEX]
run_tests() {
  local dir=$1
  shift
  ctest --test-dir "$dir" -L unit --output-on-failure -j "$jobs" --timeout 120
  ctest --test-dir "$dir" -L integration --output-on-failure -j "$jobs" --timeout 300 "$@"
}

# Left out under the sanitizers, to keep the run within 40 minutes (all run
# in the release phase): the ops_ checks of files (rules, dashboard, unit,
# package), which run no code of ours; the bench scripts' smoke runs, whose
# load on the daemon the soak (ops_soak, kept) also puts on it; the
# five-minute fill, whose code paths the 30 s fill also takes; and the
# page in chromium, whose server paths StatusPageTest also takes.
sanitizer_skips='^ops_(rules|grafana|systemd|package|bench_.*)$|AFiveMinuteFill|StatusPageBrowserTest'
asan_skips=$sanitizer_skips


long_fill='EarlyWarningE2eTest.AFiveMinuteFill'

release() {
  step "build (Release: -O3, hardened, warnings as errors)"
  scripts/build.sh build -DCMAKE_BUILD_TYPE=Release
  step "tests"
  background five-minute-fill ctest --test-dir build -R "$long_fill" --output-on-failure \
    --timeout 600 --no-tests=error
  run_tests build -E "$long_fill"
}

asan() {
  step "build (ASan+UBSan)"
  scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DMEMWATCH_SANITIZE=address,undefined
  step "tests under ASan+UBSan"
  # The unit tests a few processes per binary (scripts/unit_binaries.sh).
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  scripts/unit_binaries.sh build-asan
  ctest --test-dir build-asan -L integration --output-on-failure -j "$jobs" --timeout 300 \
    -E "$asan_skips"
  unset ASAN_OPTIONS UBSAN_OPTIONS
}

fuzz() {
  step "fuzz (clang libFuzzer + ASan+UBSan, ${MEMWATCH_FUZZ_SECONDS:-20} s per target)"
  FUZZ_SECONDS=${MEMWATCH_FUZZ_SECONDS:-20} scripts/fuzz.sh
}

# Under TSan, besides the sanitizer skips: the integration tests of code
# that runs on one thread, where TSan cannot find a race: the one-shot
# doctor (its poll loop and keyspace scan run on the calling thread), the
# blocking CommandClient, and the harness' own tests. They run in the
# release and ASan phases.
tsan_skips='^ops_|AFiveMinuteFill|StatusPageBrowserTest|^(CommandClient|Doctor|DoctorScan|TlsDoctor|ChildProcess|TempDir|TlsHarness)Test\.'

tsan() {
  step "ThreadSanitizer (clang): unit + integration tests"
  scripts/tsan.sh -E "$tsan_skips"
}

tidy() {
  step "clang-tidy"
  scripts/tidy.sh
}

phase format format
# tidy beside everything else, unless it is the only phase.
if wants tidy && [ "$(wc -w <<<"$phases")" -gt 1 ]; then
  # Idle CPU priority: it runs only on what the foreground leaves.
  background tidy chrt --idle 0 nice -n 19 scripts/tidy.sh
  ran_tidy_in_background=1
fi
phase release release
phase asan asan
phase fuzz fuzz
phase tsan tsan
if [ -z "${ran_tidy_in_background:-}" ]; then phase tidy tidy; fi
finish_background
step "all passed: ${phases}"
printf '  %s\n' "${timings[@]}" "total $(($(date +%s) - started)) s"
