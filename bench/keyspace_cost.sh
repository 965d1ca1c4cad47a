#!/usr/bin/env bash
# Issue 16, not in bench/run_all.sh (about 2-3 min): JSON results to $1 (default stdout),
# the Markdown table to $2 if given. Knobs: BENCH_KEYS (1000000), BENCH_SCAN_TIME (10s),
# BENCH_IDLE (5 s of idle PINGs), MEMWATCH_BIN; BENCH_SMOKE=1 for a few seconds.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
exec /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/keyspace_cost.py" "${1:-/dev/stdout}" ${2:+"$2"}
