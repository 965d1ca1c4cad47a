#!/usr/bin/env bash
# Issue 6's detection-latency benchmark: first write rejected with OOM ->
# webhook receiver, redis-memwatch vs redis_exporter -> Prometheus ->
# Alertmanager, >= 20 runs; appends one section to bench/RESULTS.md.
#
#   bench/detection_latency.sh [PATH-TO-redis-memwatch] [OUT.json]   (~5 min, at most 15)
#   BENCH_SMOKE=1 bench/detection_latency.sh PATH                       (2 runs, < 60 s, writes nothing)
#
# Knobs (BENCH_RUNS, BENCH_MAXMEMORY_MB, BENCH_FILL_KIB_S, BENCH_VALUE_BYTES,
# BENCH_DEADLINE, BENCH_NO_RESULTS, BENCH_NOTE, BENCH_KEEP): see the header of
# detection_latency.py. Loopback only; every process is stopped by PID.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the tree

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ -n ${1:-} ]]; then
  export MEMWATCH_BIN=$1
fi
if [[ -n ${MEMWATCH_BIN:-} && ! -x $MEMWATCH_BIN ]]; then
  echo "detection_latency.sh: no executable redis-memwatch at $MEMWATCH_BIN" >&2
  exit 2
fi
command="bench/detection_latency.sh ${MEMWATCH_BIN:-}"
for v in BENCH_SMOKE BENCH_RUNS BENCH_MAXMEMORY_MB BENCH_FILL_KIB_S BENCH_VALUE_BYTES BENCH_DEADLINE; do
  [[ -z ${!v:-} ]] || command="$v='${!v}' $command"
done
export BENCH_COMMAND=$command

# A hard bound on top of BENCH_DEADLINE (SIGTERM: the script stops what it started).
if [[ ${BENCH_SMOKE:-0} != 0 ]]; then limit=60; else limit=900; fi
exec timeout --kill-after=10 "$limit" /usr/bin/python3 "$bench_dir/detection_latency.py" ${2:+"$2"}
