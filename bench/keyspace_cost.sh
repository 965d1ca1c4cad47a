#!/usr/bin/env bash
# Issue 16, not in bench/run_all.sh (about 13 min at the default sizes, most of it the
# daemon's first 1 M-key cycle): JSON results to $1 (default stdout), the Markdown tables to
# $2 if given. Knobs: BENCH_KEYS ("100000,1000000": the sizes, run one after the other),
# BENCH_SCAN_TIME (10s, doctor), BENCH_SCRAPE_INTERVAL (15) and BENCH_EXPORTER_WINDOW (60 s,
# at least 3 scrapes) for redis_exporter, BENCH_IDLE (5 s of idle PINGs), MEMWATCH_BIN;
# BENCH_SMOKE=1 for about 20 s (20,000 keys, 2 s scrapes).
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
exec /usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/keyspace_cost.py" "${1:-/dev/stdout}" ${2:+"$2"}
