#!/usr/bin/env bash
# Runs every unit-test binary of a build tree as 2 x nproc shards each (gtest's
# GTEST_SHARD_INDEX), nproc processes at a time: a few processes instead of
# one per test, as ctest runs them. Under the sanitizers a process start
# costs a few tenths of a second: 700 tests one process each took 106 s
# under ASan+UBSan. Prints one line per shard and the output of any that
# failed.
# Usage: scripts/unit_binaries.sh BUILD_DIR [MODULE...]   (default: every
#        memwatch_unit_* binary; else memwatch_unit_MODULE for each MODULE)
set -euo pipefail
build=${1:?build dir}
shift
modules=("$@")
logs=$(mktemp -d "${TMPDIR:-/tmp}/memwatch-unit.XXXXXX")
trap 'rm -rf "$logs"' EXIT
started=$(date +%s)

# run_one BINARY SHARD: its output to $logs/NAME.SHARD.log, a status line
# to stdout.
run_one() {
  local bin=$1 shard=$2 name t0 status=0
  name="$(basename "$bin") shard $((shard + 1))/$shards"
  t0=$(date +%s)
  GTEST_TOTAL_SHARDS=$shards GTEST_SHARD_INDEX=$shard "$bin" --gtest_brief=1 \
    >"$logs/$(basename "$bin").$shard.log" 2>&1 || status=$?
  if [ "$status" = 0 ]; then
    echo "unit: $name passed in $(($(date +%s) - t0)) s"
  else
    echo "unit: $name FAILED (exit $status) in $(($(date +%s) - t0)) s"
    cat "$logs/$(basename "$bin").$shard.log"
  fi
  return "$status"
}
export -f run_one
shards=$((2 * $(nproc)))
export logs shards

# Biggest first, a rough "longest first": the slowest shard starts at once.
names=(-name 'memwatch_unit_*')
if [ "${#modules[@]}" -gt 0 ]; then
  names=()
  for m in "${modules[@]}"; do
    [ -x "$build/tests/memwatch_unit_$m" ] || { echo "unit: no $build/tests/memwatch_unit_$m" >&2; exit 1; }
    names+=(${names[0]:+-o} -name "memwatch_unit_$m")
  done
fi
mapfile -t bins < <(find "$build/tests" -maxdepth 1 \( "${names[@]}" \) -type f -perm -u+x \
  -printf '%s %p\n' | sort -rn | cut -d' ' -f2-)
if [ "${#bins[@]}" = 0 ]; then
  echo "unit: no memwatch_unit_* binaries in $build/tests" >&2
  exit 1
fi
status=0
for bin in "${bins[@]}"; do
  for ((i = 0; i < shards; i++)); do echo "$bin $i"; done
done | xargs -P "$(nproc)" -L1 bash -c 'run_one "$1" "$2"' _ || status=1
echo "unit: ${#bins[@]} binaries in $(($(date +%s) - started)) s: $([ "$status" = 0 ] && echo passed || echo FAILED)"
exit "$status"
