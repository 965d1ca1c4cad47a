#!/usr/bin/env bash
# Every redis-memwatch benchmark, side by side with redis_exporter; prints a
# summary against the issue's targets and appends it to bench/RESULTS.md.
#
#   bench/run_all.sh [PATH-TO-redis-memwatch]      (~21 min)
#
# Environment knobs (defaults in brackets):
#   MEMWATCH_BIN        daemon binary [/work/main/build-bench/src/app/redis-memwatch]
#   BENCH_SMOKE=1       a few targets and seconds each; RESULTS.md is not written (about a minute)
#   BENCH_ONLY          subset of "footprint scrape_cost redis_cost many_targets tls_cost
#                       sharded_fleet"
#   BENCH_NO_RESULTS=1  print the summary only
#   BENCH_KEYS [100000], BENCH_SCRAPES [1000], BENCH_RUNS [3], BENCH_IDLE_SECONDS [30]
#   BENCH_HTTP_SCRAPES [300] (scrape_cost: scrapes of each process)
#   BENCH_ROUNDS [5; 3 for tls_cost], BENCH_WINDOW [20 for redis_cost and tls_cost, 60 for
#                       many_targets],
#   BENCH_N_PLAIN [100000], BENCH_N_PIPELINED [400000]
#   BENCH_TARGETS [1000], BENCH_REAL_REDIS [200], BENCH_WARMUP [15], BENCH_SCRAPE_EVERY [5]
#   sharded_fleet (also BENCH_WINDOW [60], BENCH_SCRAPE_EVERY): BENCH_FLEET_TARGETS [10000],
#                       BENCH_SHARDS [4], BENCH_FLEET_INTERVAL [10] (s), BENCH_FLEET_REPLAY_PROCS [8],
#                       BENCH_WARMUP_DEADLINE [120], BENCH_EXPORTER_TARGETS [1000] (0: no anchor),
#                       BENCH_EXPORTER_WINDOW [30]
#   BENCH_KEEP=1        keep the temporary directories (daemon logs, configs)
#   BENCH_OUT=DIR       keep each script's JSON there
#   BENCH_NOTE="..."    one line in RESULTS.md on what this run measured
#   BENCH_NICE=-10      run everything the bench starts at that priority (less noise on a
#                       shared machine, slower for everyone else; off by default)
#   BENCH_DAEMON_ENV="K=V ..."  extra environment for our daemon only
# Loopback only; every process is started by the scripts and stopped by PID.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the tree

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export MEMWATCH_BIN=${1:-${MEMWATCH_BIN:-/work/main/build-bench/src/app/redis-memwatch}}
if [[ ! -x $MEMWATCH_BIN ]]; then
  echo "run_all.sh: no executable redis-memwatch at $MEMWATCH_BIN" >&2
  exit 2
fi
for tool in /usr/bin/redis-server /usr/bin/redis-benchmark /usr/bin/prometheus-redis-exporter; do
  [[ -x $tool ]] || { echo "run_all.sh: $tool is missing (apt-get install redis-server prometheus-redis-exporter)" >&2; exit 2; }
done

smoke=${BENCH_SMOKE:-0}
[[ $smoke == 0 ]] || smoke=1
only=${BENCH_ONLY:-footprint scrape_cost redis_cost many_targets tls_cost sharded_fleet}
if [[ -n ${BENCH_OUT:-} ]]; then
  out=$BENCH_OUT  # keep the JSON of each script
  mkdir -p "$out"
else
  out=$(mktemp -d "${TMPDIR:-/tmp}/bench-results-XXXXXX")
  trap 'rm -rf "$out"' EXIT
fi
started=$(date '+%Y-%m-%d %H:%M:%S')
commit=$(git -C "$bench_dir" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$bench_dir/.." status --porcelain -- src include 2>/dev/null) ]]; then
  commit="$commit + uncommitted changes under src/ or include/"
fi
command="bench/run_all.sh $MEMWATCH_BIN"
for v in BENCH_SMOKE BENCH_ONLY BENCH_NICE BENCH_DAEMON_ENV BENCH_KEYS BENCH_SCRAPES BENCH_HTTP_SCRAPES BENCH_RUNS BENCH_IDLE_SECONDS BENCH_ROUNDS \
         BENCH_WINDOW BENCH_N_PLAIN BENCH_N_PIPELINED BENCH_TARGETS BENCH_REAL_REDIS BENCH_WARMUP \
         BENCH_FLEET_TARGETS BENCH_SHARDS BENCH_FLEET_INTERVAL BENCH_EXPORTER_TARGETS; do
  [[ -z ${!v:-} ]] || command="$v='${!v}' $command"
done

failed=()
for script in $only; do
  case $script in
    footprint)    limit=$(( smoke ? 40 : 420 )) ;;
    scrape_cost)  limit=$(( smoke ? 40 : 180 )) ;;
    redis_cost)   limit=$(( smoke ? 60 : 720 )) ;;
    many_targets) limit=$(( smoke ? 40 : 480 )) ;;
    tls_cost)     limit=$(( smoke ? 40 : 600 )) ;;
    sharded_fleet) limit=$(( smoke ? 40 : 420 )) ;;
    *) echo "run_all.sh: unknown script $script" >&2; exit 2 ;;
  esac
  echo "== $script (at most ${limit}s)" >&2
  # timeout sends SIGTERM (the script stops what it started), SIGKILL 15 s later.
  if ! timeout -k 15 "$limit" /usr/bin/python3 "$bench_dir/$script.py" "$out/$script.json"; then
    echo "run_all.sh: $script FAILED" >&2
    failed+=("$script")
  fi
done

args=("$out" --command "$command" --started "$started" --commit "$commit" --note "${BENCH_NOTE:-}")
if [[ $smoke == 0 && -z ${BENCH_NO_RESULTS:-} && ${#failed[@]} -eq 0 ]]; then
  args+=(--append "$bench_dir/RESULTS.md")
fi
/usr/bin/python3 "$bench_dir/report.py" "${args[@]}"
if (( ${#failed[@]} )); then
  echo "run_all.sh: failed: ${failed[*]}" >&2
  exit 1
fi
