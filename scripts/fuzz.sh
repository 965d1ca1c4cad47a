#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang++ with ASan+UBSan) in
# build-fuzz and runs each one: first over its checked-in corpus at full
# length (every past crash is there as a regression input), then fuzzing for
# FUZZ_SECONDS. Fails on any crash, sanitizer report, leak, timeout or OOM.
# The corpus is copied to a temp dir first, so runs never grow the repo.
#
# Usage: scripts/fuzz.sh                       # CI: 30 s per target
#   FUZZ_SECONDS=3600 FUZZ_RUNS=10000000 FUZZ_PARALLEL=1 \
#     FUZZ_TARGETS="info_parser_fuzz values_fuzz reply_reader_fuzz" scripts/fuzz.sh
#                                              # the long run (bench/FUZZING.md)
# Env:
#   FUZZ_SECONDS   fuzzing time per target (default 20)
#   FUZZ_RUNS      also stop after this many executions (libFuzzer -runs)
#   FUZZ_TARGETS   space-separated subset (default: every target built)
#   FUZZ_PARALLEL  1 = run every target at the same time
#   FUZZ_JOBS      otherwise, this many targets at a time (default nproc: on
#                  CI's 2 cores, 2 targets of 30 s each take 30 s, not 60)
#   FUZZ_TIMEOUT   seconds one input may take before it counts as a hang (10)
#   FUZZ_MAX_LEN   longest generated input, for every target (default per target)
#   FUZZ_KEEP=1    keep the temp dirs (grown corpora) and say where they are
#   FUZZ_SANITIZE  sanitizers of the build (default address,undefined); the
#                  long runs of the slowest targets use "undefined" in their
#                  own FUZZ_BUILD_DIR (3-4x the executions; bench/FUZZING.md)
# A crash leaves its input in build-fuzz/fuzz-artifacts/; once fixed, copy it
# to tests/fuzz/corpus/<target>/ so every later run replays it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${FUZZ_SECONDS:-20}
runs=${FUZZ_RUNS:-}
parallel=${FUZZ_PARALLEL:-0}
jobs=${FUZZ_JOBS:-$(nproc)}
timeout=${FUZZ_TIMEOUT:-10}
fuzz_dir=$root/tests/fuzz
artifacts=$build/fuzz-artifacts
logs=$build/fuzz-logs

started=$(date +%s)
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DMEMWATCH_FUZZ=ON -DMEMWATCH_BUILD_TESTS=OFF \
  -DMEMWATCH_UNITY_SRC="${MEMWATCH_UNITY_SRC:-OFF}" \
  -DMEMWATCH_SANITIZE="${FUZZ_SANITIZE:-address,undefined}" >/dev/null
cmake --build "$build" --target memwatch_fuzzers -j "$(nproc)"
echo "fuzz: built in $(($(date +%s) - started)) s"

if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  targets=()
  for src in "$fuzz_dir"/*_fuzz.cc; do
    t=$(basename "$src" .cc)
    [ -x "$build/tests/fuzz/$t" ] && targets+=("$t")
  done
fi
mkdir -p "$artifacts" "$logs"

# Longest input each target may grow to while fuzzing. Long inputs make the
# parsers slow under ASan; the checked-in seeds (caps: 1,100 dbs, 70 KB lines)
# still run at full length in the regression pass.
max_len_for() {
  if [ -n "${FUZZ_MAX_LEN:-}" ]; then
    echo "$FUZZ_MAX_LEN"
    return
  fi
  case $1 in
    info_parser_fuzz) echo 8192 ;;
    snapshot_checks_fuzz) echo 8192 ;;
    config_fuzz) echo 4096 ;;
    *) echo 4096 ;;
  esac
}

# Runs one target; returns non-zero on any finding. Output goes to its log.
run_target() {
  local t=$1 bin=$build/tests/fuzz/$1 work log=$logs/$1.log
  work=$(mktemp -d "${TMPDIR:-/tmp}/memwatch-fuzz-$t.XXXXXX")
  mkdir -p "$work/corpus"
  cp -r "$fuzz_dir/corpus/$t/." "$work/corpus/" 2>/dev/null || true
  local common=(-timeout="$timeout" -rss_limit_mb=2048 -malloc_limit_mb=1024
                -artifact_prefix="$artifacts/$t-" -print_final_stats=1)
  local dict=()
  [ -f "$fuzz_dir/$t.dict" ] && dict=(-dict="$fuzz_dir/$t.dict")
  local status=0
  # The working directory is the temp dir: config_fuzz reads relative
  # password_file paths from there, never from the repository.
  (
    cd "$work"
    echo "== regression: every corpus input at full length"
    "$bin" "${common[@]}" -runs=0 corpus
    echo "== fuzzing: ${seconds} s${runs:+, at most $runs runs}"
    "$bin" "${common[@]}" "${dict[@]}" -max_len="$(max_len_for "$t")" \
      -max_total_time="$seconds" ${runs:+-runs="$runs"} corpus
  ) >"$log" 2>&1 || status=$?
  local execs rate
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | awk '{print $2}')
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | awk '{print $2}')
  if [ "$status" -ne 0 ]; then
    echo "fuzz: $t FAILED (exit $status); log $log; inputs in $artifacts:" >&2
    grep -E 'ERROR|SUMMARY|runtime error|invariant broken|Test unit written' "$log" | head -20 >&2
  else
    echo "fuzz: $t ok: ${execs:-?} executions, ${rate:-?}/s"
  fi
  if [ "${FUZZ_KEEP:-0}" = 1 ]; then echo "fuzz: $t corpus kept in $work/corpus"; else rm -rf "$work"; fi
  return "$status"
}

failed=0
if [ "$parallel" = 1 ]; then jobs=${#targets[@]}; fi
running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
  run_target "$t" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done
echo "fuzz: ${#targets[@]} target(s) in $(($(date +%s) - started)) s"
exit "$failed"
