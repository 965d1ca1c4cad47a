#!/usr/bin/env bash
# Checks grafana/redis-memwatch.json three ways; each can fail on its own:
#   1. types       the JSON, as `(<json>) satisfies Dashboard`, compiles against
#                  @grafana/schema with `tsc --strict` (wrong keys, types, enum values)
#   2. promql      every panel expr and variable query parses (@prometheus-io/lezer-promql)
#   3. prometheus  against a real redis-server (driven into OOM) and a real sentinel
#                  watching it (a Sentinel group), the built daemon and a real
#                  Prometheus scraping it, every panel expr returns data
# Usage: tests/ops/grafana_test.sh PATH/TO/redis-memwatch
#        MEMWATCH_DASHBOARD=other.json tests/ops/grafana_test.sh ...   checks another file
#        MEMWATCH_GRAFANA_VERBOSE=1 ...   prints what every panel expr returned
# Prints one line per check and a summary; exits 1 if any check failed.
# Needs node + npm (installs the pinned devDependencies with `npm ci` if node_modules is
# missing), redis-server (also as the sentinel), redis-cli, prometheus, curl. Loopback
# only; about 20-30 s.
# shellcheck disable=SC2317  # cleanup and the check_* functions are called indirectly
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dashboard=${MEMWATCH_DASHBOARD:-$root/grafana/redis-memwatch.json}  # override: to show a check failing
daemon=${1:-}
target_name=ops-redis
check3_budget_seconds=45  # from starting the processes to the last query

tmp=$(mktemp -d "${TMPDIR:-/tmp}/memwatch-grafana.XXXXXX")
pids=()

cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_for SECONDS PID DESCRIPTION COMMAND...: runs COMMAND until it succeeds.
# Fails when SECONDS pass or process PID (0: none) exits first.
wait_for() {
  local seconds=$1 pid=$2 what=$3
  shift 3
  local end=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$pid" != 0 ] && ! kill -0 "$pid" 2>/dev/null; then
      echo "  $what: the process exited"
      return 1
    fi
    if ((SECONDS >= end)); then
      echo "  $what: not ready after ${seconds}s"
      return 1
    fi
    sleep 0.1
  done
}

ensure_node_modules() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "  node and npm are needed (Node 20)"
    return 1
  fi
  if [ -d "$root/node_modules/@grafana/schema" ] && [ -d "$root/node_modules/@prometheus-io/lezer-promql" ] &&
    [ -x "$root/node_modules/.bin/tsc" ]; then
    return 0
  fi
  echo "  node_modules missing: npm ci"
  (cd "$root" && npm ci --no-audit --no-fund --prefer-offline) >"$tmp/npm-ci.log" 2>&1 || {
    cat "$tmp/npm-ci.log"
    return 1
  }
}

# ---- 1. types --------------------------------------------------------------
check_types() {
  ensure_node_modules || return 1
  mkdir -p "$tmp/ts"
  ln -s "$root/node_modules" "$tmp/ts/node_modules"  # so check.ts resolves @grafana/schema
  node "$here/grafana/make_typecheck.mjs" "$dashboard" "$tmp/ts/check.ts" || return 1
  # check.ts keeps the JSON's lines, so its line:column are the dashboard's.
  (cd "$tmp/ts" && npx --no -- tsc --noEmit --strict --skipLibCheck --pretty false --target es2022 \
    --module esnext --moduleResolution bundler check.ts) | sed "s|^check\.ts(|  ${dashboard#"$root"/}(|"
  local rc=${PIPESTATUS[0]}
  [ "$rc" = 0 ] && echo "types: the dashboard satisfies @grafana/schema's Dashboard"
  return "$rc"
}

# ---- 2. promql -------------------------------------------------------------
check_promql() {
  ensure_node_modules || return 1
  node "$here/grafana/parse_promql.mjs" "$dashboard"
}

# ---- 3. prometheus ---------------------------------------------------------
rcli() { redis-cli -h 127.0.0.1 -p "$redis_port" "$@"; }

# Keys with and without TTL, then maxmemory 1mb and writes until Redis
# answers -OOM, so that redis_errors_total{err="OOM"} exists. The keyspace
# stays small (about 42 keys: 40, the fillers that fit, a short-lived one;
# the prefixes plain:*, ttl:* and filler:*), so a keyspace sampling cycle,
# slowed down by the memory pressure, still completes within seconds.
provoke_oom() {
  {
    for i in $(seq 20); do
      echo "SET plain:$i v"
      echo "SET ttl:$i v EX 3600"
    done
    echo "SET short-lived v PX 1"
  } | rcli >/dev/null || return 1
  rcli CONFIG SET maxmemory 1mb >/dev/null || return 1
  local i reply
  for i in $(seq 100); do
    reply=$(rcli SETRANGE "filler:$i" 65536 x)
    [[ $reply == *OOM* ]] && break
  done
  rcli INFO errorstats | grep -q '^errorstat_OOM:' || {
    echo "  redis never answered OOM (last reply: $reply)"
    return 1
  }
}

# Starts redis-server, the daemon and Prometheus; they run while checks 1
# and 2 do, so Prometheus has samples by the time check 3 queries.
start_processes() {
  check3_deadline_ms=$(($(date +%s%3N) + check3_budget_seconds * 1000))
  if [ -z "$daemon" ] || [ ! -x "$daemon" ]; then
    echo "  no daemon binary: pass the built redis-memwatch as \$1 (got '${daemon}')"
    return 1
  fi
  local tool
  for tool in redis-server redis-cli prometheus curl /usr/bin/python3; do
    command -v "$tool" >/dev/null || {
      echo "  $tool is needed"
      return 1
    }
  done
  # Four distinct free loopback ports, bound at once so they differ.
  read -r redis_port metrics_port prometheus_port sentinel_port < <(/usr/bin/python3 -c '
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')

  mkdir -p "$tmp/redis" "$tmp/prometheus-data" "$tmp/sentinel"
  redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
    --dir "$tmp/redis" --daemonize no --logfile "$tmp/redis.log" &
  local redis_pid=$!
  pids+=("$redis_pid")
  wait_for 10 "$redis_pid" redis-server rcli PING || return 1
  provoke_oom || return 1

  # A sentinel watching that Redis, so that the group panels have a group:
  # ops-group, whose one node is the same Redis, with sentinel_quorum
  # active (one healthy sentinel, one needed: a warning).
  cat >"$tmp/sentinel/sentinel.conf" <<EOF
bind 127.0.0.1
port $sentinel_port
dir $tmp/sentinel
sentinel monitor mymaster 127.0.0.1 $redis_port 1
EOF
  redis-server "$tmp/sentinel/sentinel.conf" --sentinel --daemonize no \
    --logfile "$tmp/sentinel.log" &
  local sentinel_pid=$!
  pids+=("$sentinel_pid")
  wait_for 10 "$sentinel_pid" redis-sentinel \
    redis-cli -h 127.0.0.1 -p "$sentinel_port" SENTINEL GET-MASTER-ADDR-BY-NAME mymaster || return 1

  # A 20 s trend window instead of 15 min: time to full is exported after ~10 polls.
  # Keyspace sampling (the prefix panels): a cycle every second instead of every
  # 5 min. Redis at its limit makes the sampler back off (memory pressure: its
  # rate halves every second, from 100 keys/s down to 1/64 of its rate), so the
  # keyspace is kept small by provoke_oom: ~42 keys under three prefixes, which
  # the first cycle covers about a second after the daemon's first poll.
  cat >"$tmp/memwatch.yml" <<EOF
listen: "127.0.0.1:$metrics_port"
interval: 1s
checks:
  time_to_full:
    window: 20s
keyspace:
  interval: 1s
targets:
  - name: $target_name
    address: 127.0.0.1:$redis_port
  - name: ops-group
    sentinel:
      addresses: ["127.0.0.1:$sentinel_port"]
      master_name: mymaster
EOF
  "$daemon" --config "$tmp/memwatch.yml" >"$tmp/daemon.log" 2>&1 &
  local daemon_pid=$!
  pids+=("$daemon_pid")
  wait_for 15 "$daemon_pid" redis-memwatch curl -sf "http://127.0.0.1:$metrics_port/-/ready" || {
    tail -n 20 "$tmp/daemon.log" | sed 's/^/  daemon: /'
    return 1
  }

  cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: memwatch
    static_configs:
      - targets: ["127.0.0.1:$metrics_port"]
EOF
  prometheus --config.file "$tmp/prometheus.yml" --storage.tsdb.path "$tmp/prometheus-data" \
    --web.listen-address "127.0.0.1:$prometheus_port" >"$tmp/prometheus.log" 2>&1 &
  local prometheus_pid=$!
  pids+=("$prometheus_pid")
  wait_for 15 "$prometheus_pid" prometheus curl -sf "http://127.0.0.1:$prometheus_port/-/ready" || {
    tail -n 20 "$tmp/prometheus.log" | sed 's/^/  prometheus: /'
    return 1
  }
}

check_prometheus() {
  [ "$processes_started" = 1 ] || return 1
  ensure_node_modules || return 1
  # At least 10 s for the queries even if checks 1 and 2 (npm ci) took long.
  local deadline_ms=$(($(date +%s%3N) + 10000))
  ((deadline_ms > check3_deadline_ms)) || deadline_ms=$check3_deadline_ms
  node "$here/grafana/query_prometheus.mjs" "$dashboard" "http://127.0.0.1:$prometheus_port" \
    "$target_name" "$deadline_ms" || {
    echo "  (redis-memwatch log, last lines:)"
    tail -n 10 "$tmp/daemon.log" | sed 's/^/  daemon: /'
    return 1
  }
}

# ---- main ------------------------------------------------------------------
echo "grafana dashboard checks: ${dashboard#"$root"/}"
[ -f "$dashboard" ] || {
  echo "no such file: $dashboard"
  exit 1
}
started=$SECONDS
processes_started=0
echo "starting redis-server (driven into OOM), redis-memwatch and prometheus for check 3;"
echo "they collect samples while checks 1 and 2 run"
start_processes && processes_started=1

results=()
run() {
  local name=$1
  shift
  echo "[$name]"
  if "$@"; then
    results+=("$name PASS")
  else
    results+=("$name FAIL")
  fi
}
run "1/3 types" check_types
run "2/3 promql" check_promql
run "3/3 prometheus" check_prometheus

summary=$(printf '%s, ' "${results[@]}")
echo "summary (${#results[@]} checks, $((SECONDS - started)) s): ${summary%, }"
for r in "${results[@]}"; do
  [[ $r == *FAIL ]] && exit 1
done
exit 0
