#!/usr/bin/env bash
# Smoke run of bench/ so the benchmark scripts cannot rot: every script runs
# for a few seconds against a few targets (BENCH_SMOKE=1; RESULTS.md is not
# written). Fails if any script fails or the summary is missing. About a minute
# (sharded_fleet: about 20 s of it).
#
#   tests/ops/bench_smoke_test.sh PATH-TO-redis-memwatch   (from the repository root)
set -euo pipefail

bin=${1:?usage: bench_smoke_test.sh PATH-TO-redis-memwatch}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

start=$SECONDS
if ! BENCH_SMOKE=1 BENCH_NO_RESULTS=1 timeout -k 10 140 "$root/bench/run_all.sh" "$bin" >"$log" 2>&1; then
  cat "$log"
  echo "bench_smoke_test: bench/run_all.sh failed" >&2
  exit 1
fi
for want in '| RSS after start |' '| /metrics latency p99' '| Anonymous memory after' \
            '| CPU time of those' 'redis-benchmark SET_P16 loss' \
            'targets: polled on time' 'TLS connections Redis accepted per poll' \
            'shards: polled on time' ' met, '; do
  if ! grep -qF -- "$want" "$log"; then
    cat "$log"
    echo "bench_smoke_test: summary lacks '$want'" >&2
    exit 1
  fi
done
echo "bench_smoke_test: bench scripts ran in $((SECONDS - start)) s"
