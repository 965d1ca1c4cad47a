#!/usr/bin/env bash
# The demo: sets up, builds, starts a throwaway redis-server on a free
# loopback port in a temp dir and redis-memwatch against it, prints the
# /metrics URL and the doctor report, and on Ctrl-C stops both and removes
# the temp dir.
# Env: DEMO_SECONDS=N stops by itself after N seconds (used by the tests);
#      MEMWATCH_BUILD_DIR=DIR uses an existing build instead of building.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ -z "${MEMWATCH_BUILD_DIR:-}" ]; then
  scripts/setup.sh
  # Only the daemon: the first doctor report in minutes, not after every test.
  BUILD_TARGET=redis-memwatch scripts/build.sh build >/dev/null
  MEMWATCH_BUILD_DIR=$root/build
fi
bin=$MEMWATCH_BUILD_DIR/src/app/redis-memwatch

tmp=$(mktemp -d /tmp/redis-memwatch-demo.XXXXXX)
redis_pid=""
daemon_pid=""
cleanup() {
  trap - EXIT INT TERM
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null || true
  rm -rf "$tmp"
  echo "demo: stopped redis-server and redis-memwatch, removed $tmp"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# Wait until "$@" succeeds, for at most 10 s.
wait_for() {
  for _ in $(seq 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "demo: timed out waiting for: $*" >&2
  return 1
}

redis_port=$(free_port)
# A stock Redis, as the incident had it: maxmemory 0, noeviction.
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$tmp" --save '' --appendonly no \
  --daemonize no --logfile "$tmp/redis.log" &
redis_pid=$!
wait_for redis-cli -p "$redis_port" ping

metrics_port=$(free_port)
cat >"$tmp/config.yml" <<YAML
listen: "127.0.0.1:$metrics_port"
interval: 1s
timeout: 500ms
targets:
  - name: demo-redis
    address: 127.0.0.1:$redis_port
YAML
"$bin" --config "$tmp/config.yml" 2> >(sed 's/^/[daemon] /' >&2) &
daemon_pid=$!
wait_for curl -fsS "http://127.0.0.1:$metrics_port/-/ready"

cat <<MSG

redis-memwatch is watching a throwaway Redis on 127.0.0.1:$redis_port.
  metrics:   http://127.0.0.1:$metrics_port/metrics
  findings:  curl -s http://127.0.0.1:$metrics_port/metrics | grep 'redis_memwatch_finding.* 1\$'
  config:    $tmp/config.yml

The doctor report for it:
MSG
"$bin" doctor "redis://127.0.0.1:$redis_port" || true
echo
echo "Press Ctrl-C to stop both and remove $tmp."
if [ -n "${DEMO_SECONDS:-}" ]; then
  sleep "$DEMO_SECONDS"
else
  wait "$daemon_pid"
fi
