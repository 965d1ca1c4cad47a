#!/usr/bin/env bash
# Soak test: the built daemon against tens of real redis-servers that
# restart, fill, flush, change maxmemory and pause at random, with a SIGHUP
# reload every few seconds, for a bounded time. Passes iff the daemon never
# crashes, its RSS grows by less than SOAK_MAX_RSS_GROWTH_KIB after warm-up,
# its descriptors do not grow, /metrics answers throughout, and every target
# is back up at the end.
#
# With SOAK_RECEIVER=1 (on in tests/ops/soak_test.sh),
# every finding also goes to a webhook receiver
# (tests/integration/harness/http_receiver.py) that flaps between 200, 500
# and 429; the run then also fails unless every firing and resolved
# transition the daemon logged was delivered, each notification exactly
# once, none given up (see check_deliveries below).
#
# Memory and descriptors are compared like with like: at the end of the
# warm-up and again at the end of the run, the chaos pauses, every Redis is
# up, the original config is reloaded and the daemon has polled every target
# again for a few seconds; only then are RSS and /proc/PID/fd read.
#
# Usage: bench/soak.sh [path/to/redis-memwatch]
# Env:   SOAK_SECONDS   run time after warm-up (default 60)
#        SOAK_WARMUP    warm-up with chaos before the reference point (default 20)
#        SOAK_TARGETS   number of redis-servers (default 20)
#        SOAK_INTERVAL  poll interval (default 100ms)
#        SOAK_HUP_EVERY seconds between reloads (default 3)
#        SOAK_MAX_RSS_GROWTH_KIB  (default 1024)
#        SOAK_SEED      seed of the chaos (default: random, printed)
#        SOAK_RECEIVER  1 = add the flapping webhook receiver (default 0)
#        SOAK_RECEIVER_FLAPS  scripted non-200 answers before it settles on
#                       200 (default 60; each is 500 or 429 + Retry-After: 1)
#        SOAK_DELIVERY_WAIT   seconds the outbox may take to drain at the end (120)
# Needs redis-server and redis-cli (Debian's redis-server package), curl.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:-${MEMWATCH_BINARY:-$root/build/src/app/redis-memwatch}}
seconds=${SOAK_SECONDS:-60}
warmup=${SOAK_WARMUP:-20}
ntargets=${SOAK_TARGETS:-20}
interval=${SOAK_INTERVAL:-100ms}
hup_every=${SOAK_HUP_EVERY:-3}
max_growth_kib=${SOAK_MAX_RSS_GROWTH_KIB:-1024}
seed=${SOAK_SEED:-$RANDOM}
RANDOM=$seed
with_receiver=${SOAK_RECEIVER:-0}
flaps=${SOAK_RECEIVER_FLAPS:-60}
delivery_wait=${SOAK_DELIVERY_WAIT:-120}

[ -x "$binary" ] || { echo "soak: no daemon binary at $binary" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/memwatch-soak.XXXXXX")
declare -a ports pids
daemon_pid=""
receiver_pid=""

cleanup() {
  local pid
  for pid in "${pids[@]}" $daemon_pid $receiver_pid; do
    if [ -n "$pid" ]; then
      kill -CONT "$pid" 2>/dev/null || true
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
  if [ "${SOAK_KEEP:-0}" = 1 ]; then echo "soak: files kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

log() { printf '[soak %5ds] %s\n' $((SECONDS)) "$*"; }
fail() {
  log "FAIL: $*"
  [ -f "$work/daemon.log" ] && tail -30 "$work/daemon.log" >&2
  exit 1
}

# A loopback TCP port nothing listened on a moment ago (never a fixed one).
free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits (at most $2 s) until "$1" succeeds.
wait_until() {
  local deadline=$((SECONDS + $2))
  while ! eval "$1" >/dev/null 2>&1; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.05
  done
}

start_redis() {
  local i=$1 dir=$work/redis-$1
  mkdir -p "$dir"
  redis-server --port "${ports[$i]}" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
    --enable-debug-command local --logfile "$dir/redis.log" >/dev/null 2>&1 &
  pids[i]=$!
  # Someone may have taken the port meanwhile: the target then stays down
  # until its next restart, which the daemon must cope with too.
  wait_until "timeout 2 redis-cli -p ${ports[$i]} ping | grep -q PONG" 10 ||
    log "redis $i did not come up"
}

stop_redis() {
  local i=$1 pid=${pids[$1]}
  [ -z "$pid" ] && return 0
  kill -CONT "$pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pids[i]=""
}

cli() { timeout 5 redis-cli -p "${ports[$1]}" "${@:2}" >/dev/null 2>&1 || true; }

# The config: every target; `variant` 1 drops the last one and changes a
# check setting, so reloads add, remove and reconfigure targets. With the
# receiver, variant 1 keeps every target: a target removed by a reload
# takes its alerts with it, which would make the delivery check ambiguous.
write_config() {
  local variant=$1 n=$ntargets i
  [ "$variant" = 1 ] && [ "$with_receiver" != 1 ] && n=$((ntargets - 1))
  {
    echo 'listen: "127.0.0.1:0"'
    echo "interval: $interval"
    echo 'timeout: 500ms'
    # Keyspace sampling off: with it on, RSS grew 1.4 MiB in the short soak
    # while the samplers' bounded tables filled, before a plateau could show.
    echo 'keyspace: {enabled: false}'
    if [ "$variant" = 1 ]; then
      echo 'checks:'
      echo '  memory_high: {warning: 70%}'
    fi
    echo 'targets:'
    for ((i = 0; i < n; i++)); do
      echo "  - name: r$i"
      echo "    address: 127.0.0.1:${ports[$i]}"
    done
    if [ "$with_receiver" = 1 ]; then
      # docs/webhook.md; every severity, so each logged transition counts.
      echo "state_dir: $work/state"
      echo 'receivers:'
      echo '  - name: soak'
      echo '    type: webhook'
      echo "    url: http://127.0.0.1:$receiver_port/soak"
      echo '    min_severity: info'
      echo '    timeout: 2s'
    fi
  } >"$work/config.yml.tmp"
  mv "$work/config.yml.tmp" "$work/config.yml"
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$daemon_pid/status"; }
fd_count() { find "/proc/$daemon_pid/fd" -mindepth 1 -maxdepth 1 | wc -l; }
metrics() { curl -sf --max-time 5 "http://127.0.0.1:$metrics_port/metrics"; }
# Notifications waiting for the receiver (0 without one): in the scrape on
# stdin, or in a new one.
queue_length_of() {
  awk '/^redis_memwatch_notification_queue_length\{/ {s += $2} END {print s + 0}'
}
queue_length() { metrics | queue_length_of; }
# Polls of our targets so far, over every target (successful or not).
polls_total() {
  metrics | awk '/^redis_memwatch_probe_duration_seconds_count\{target="r[0-9]+"/ {s += $2} END {print s + 0}'
}
# Not `kill -0`: a dead child stays a zombie until waited for.
daemon_alive() {
  local state
  state=$(awk '/^State:/ {print $2}' "/proc/$daemon_pid/status" 2>/dev/null)
  [ -n "$state" ] && [ "$state" != Z ]
}

# One random misfortune for one random target.
chaos_step() {
  local i=$((RANDOM % ntargets))
  case $((RANDOM % 10)) in
    0 | 1) stop_redis "$i"; start_redis "$i" ;;                       # restart
    2 | 3) cli "$i" DEBUG POPULATE $((RANDOM * 2)) key 100 ;;           # fill
    4) cli "$i" FLUSHALL ;;                                             # flush
    5) cli "$i" CONFIG SET maxmemory $(((RANDOM % 64 + 1) * 1048576)) ;;
    6) cli "$i" CONFIG SET maxmemory-policy allkeys-lru ;;
    7) cli "$i" CONFIG SET maxmemory 0 ;;
    8) # Pause: connects succeed, INFO times out.
      if [ -n "${pids[$i]}" ]; then
        kill -STOP "${pids[$i]}"
        sleep 0.$((RANDOM % 9 + 1))
        kill -CONT "${pids[$i]}"
      fi
      ;;
    9) cli "$i" SET "k$RANDOM" "$RANDOM" ;;
  esac
}

# Runs the chaos for $1 seconds, reloading every $hup_every seconds.
chaos_for() {
  local until=$((SECONDS + $1)) next_hup=$((SECONDS + hup_every)) variant=0
  while [ $SECONDS -lt $until ]; do
    chaos_step
    if [ $SECONDS -ge $next_hup ]; then
      variant=$((1 - variant))
      write_config $variant
      kill -HUP "$daemon_pid"
      reloads=$((reloads + 1))
      next_hup=$((SECONDS + hup_every))
    fi
    daemon_alive || fail "the daemon died (see its log)"
    metrics >"$work/last-scrape" || fail "/metrics did not answer within 5 s"
    if [ "$with_receiver" = 1 ]; then
      local backlog
      backlog=$(queue_length_of <"$work/last-scrape")
      [ "$backlog" -gt "$max_backlog" ] && max_backlog=$backlog
    fi
    sleep 0.$((RANDOM % 3 + 1))
  done
}

# Brings everything back to the reference state, then sets settled_rss
# (KiB) and settled_fds. Runs in this shell: it restarts Redis servers.
settle() {
  local i
  for ((i = 0; i < ntargets; i++)); do
    [ -n "${pids[$i]}" ] && kill -CONT "${pids[$i]}" 2>/dev/null
    if [ -z "${pids[$i]}" ] || ! timeout 5 redis-cli -p "${ports[$i]}" ping >/dev/null 2>&1; then
      stop_redis "$i"
      start_redis "$i"
    fi
  done
  write_config 0
  kill -HUP "$daemon_pid"
  # Every target polled successfully again (the backoff of one that was
  # down is at most 30 s), then a few more rounds so nothing is in flight.
  all_up() { [ "$(metrics | grep -c '^redis_up{target="r[0-9]*"} 1')" -eq "$ntargets" ]; }
  wait_until all_up 45 || fail "not every target came back up: $(metrics | grep '^redis_up')"
  # Three more rounds of every target, so nothing is in flight.
  local polls_then
  polls_then=$(polls_total)
  wait_until "[ \$(polls_total) -ge $((polls_then + 3 * ntargets)) ]" 30 ||
    fail "targets stopped being polled after the reload"
  # Undelivered notifications are held in memory until delivered (at most
  # 1,000 per receiver, a few hundred bytes each): with the receiver
  # flapping, the backlog at any moment is whatever the last refusals left.
  # Like with like: both readings are taken with the outbox drained.
  if [ "$with_receiver" = 1 ]; then
    wait_until "[ \$(queue_length) -eq 0 ]" "$delivery_wait" ||
      fail "the outbox did not drain within ${delivery_wait} s ($(queue_length) left)"
  fi
  # Each thread that serves /metrics (2 writers since 2026-12-06; 64
  # CivetWeb workers before, ~20 KiB each) takes its stack pages and buffers
  # the first time it serves. 128 scrapes, enough for the 64 workers then and
  # kept so that runs compare, put that one-time cost before the reference
  # point, and the growth measured is what the run itself adds.
  for ((i = 0; i < 128; i++)); do metrics >/dev/null || true; done
  settled_rss=$(rss_kib)
  settled_fds=$(fd_count)
}

# The receiver's answers: $flaps failures (500, or 429 with Retry-After: 1)
# in runs of one to three, each run followed by a 200, so one notification
# backs off at most 1 + 2 + 4 s; after the script it answers 200 for good.
receiver_script() {
  local i run=0 target=$((RANDOM % 3 + 1))
  printf '['
  for ((i = 0; i < flaps; i++)); do
    if ((RANDOM % 2)); then
      printf '{"status": 500, "body": "flap"}, '
    else
      printf '{"status": 429, "retry_after": "1", "body": "slow down"}, '
    fi
    run=$((run + 1))
    if [ "$run" -ge "$target" ]; then
      printf '{"status": 200, "body": "ok"}, '
      run=0
      target=$((RANDOM % 3 + 1))
    fi
  done
  printf '{"status": 200, "body": "ok"}]'
}

start_receiver() {
  /usr/bin/python3 "$root/tests/integration/harness/http_receiver.py" --log "$work/receiver.jsonl" \
    --script "$(receiver_script)" >"$work/receiver.out" 2>&1 &
  receiver_pid=$!
  wait_until "grep -q '^PORT ' '$work/receiver.out'" 10 || fail "the webhook receiver did not start"
  receiver_port=$(awk '/^PORT / {print $2; exit}' "$work/receiver.out")
  touch "$work/receiver.jsonl"
}

# Compares what the receiver accepted with the transitions the daemon
# logged ("<target>: <severity> <check>: ..." when a finding appears or
# changes severity, "<target>: resolved <check>" when it ends). Passes iff
# each (target, check) that had a transition was delivered and its last
# delivered word (firing or resolved) is its last logged one, no more new
# firings or resolves were delivered than logged (a refused notification's
# transitions may fold into a newer one, docs/alerting.md), no notification
# (Idempotency-Key) was accepted twice, and every notification that was
# refused was later accepted or superseded by a newer one about its target
# (logged). Without refusals nothing folds: the counts must then be equal.
# Prints a summary; with "quiet", prints nothing and only sets the exit
# status.
check_deliveries() {
  /usr/bin/python3 - "$work/daemon.log" "$work/receiver.jsonl" "${1:-}" <<'PY'
import collections, json, re, sys
log_path, receiver_path, quiet = sys.argv[1], sys.argv[2], sys.argv[3] == "quiet"
logged = collections.Counter()
last_logged, last_delivered = {}, {}
active = set()
superseded = set()
for line in open(log_path, errors="replace"):
    s = re.search(r"alerting: notification (\S+) to \S+ superseded", line)
    if s:
        superseded.add(s.group(1))
    m = re.match(r"\S+ \S+ (r\d+): (?:(info|warning|critical) (\w+): |resolved (\w+)$)", line.rstrip("\n"))
    if not m:
        continue
    target, sev, check, resolved = m.groups()
    if resolved:
        if (target, resolved) in active:
            active.discard((target, resolved))
            logged[(target, resolved, "resolved")] += 1
            last_logged[(target, resolved)] = "resolved"
    elif (target, check) not in active:
        active.add((target, check))
        logged[(target, check, "firing")] += 1
        last_logged[(target, check)] = "firing"
delivered = collections.Counter()
accepted, refused, posts = collections.Counter(), set(), 0
for line in open(receiver_path, errors="replace"):
    posts += 1
    rec = json.loads(line)
    key = {k.lower(): v for k, v in rec["headers"].items()}.get("idempotency-key", "")
    if not 200 <= rec["status"] < 300:
        refused.add(key)
        continue
    accepted[key] += 1
    body = json.loads(rec["body"])
    if body.get("test"):
        continue
    for a in body["alerts"]:
        last_delivered[(body["target"], a["check"])] = a["status"]
        if a["status"] == "resolved":
            delivered[(body["target"], a["check"], "resolved")] += 1
        elif not a.get("repeat") and not a.get("previous_severity"):
            delivered[(body["target"], a["check"], "firing")] += 1
problems = []
folded = bool(refused)
for k in sorted(set(logged) | set(delivered)):
    if delivered[k] > logged[k] or (not folded and delivered[k] != logged[k]):
        problems.append("%s %s %s: logged %d, delivered %d" % (k + (logged[k], delivered[k])))
for k in sorted(set(last_logged) | set(last_delivered)):
    if last_logged.get(k) != last_delivered.get(k):
        problems.append("%s %s: last logged %s, last delivered %s"
                        % (k + (last_logged.get(k), last_delivered.get(k))))
problems += ["notification %s accepted %d times" % (k, n) for k, n in accepted.items() if n > 1]
problems += ["notification %s refused and never accepted" % k
             for k in refused - set(accepted) - superseded]
if not quiet:
    print("deliveries: %d transitions logged, %d delivered, %d POSTs (%d refused), %d notifications"
          " (%d superseded)"
          % (sum(logged.values()), sum(delivered.values()), posts, posts - sum(accepted.values()),
             len(accepted), len(superseded)))
    for p in problems[:20]:
        print("  " + p)
sys.exit(1 if problems else 0)
PY
}

# --- start ---
[ "$with_receiver" = 1 ] && start_receiver
for ((i = 0; i < ntargets; i++)); do
  ports[i]=$(free_port)
  start_redis "$i"
done
write_config 0
"$binary" --config "$work/config.yml" --log-level info 2>"$work/daemon.log" &
daemon_pid=$!
wait_until "grep -q 'metrics on http://' '$work/daemon.log'" 10 || fail "the daemon did not start"
metrics_port=$(grep -o 'metrics on http://[^ ]*' "$work/daemon.log" | head -1 | sed 's/.*:\([0-9]*\)\/metrics/\1/')
log "seed $seed: $ntargets redis-servers, daemon $daemon_pid on port $metrics_port, interval $interval"
[ "$with_receiver" = 1 ] && log "webhook receiver on port $receiver_port, $flaps scripted failures"
reloads=0
max_backlog=0

log "warm-up: ${warmup} s of chaos"
chaos_for "$warmup"
settle
rss_ref=$settled_rss
fds_ref=$settled_fds
log "reference: RSS ${rss_ref} KiB, ${fds_ref} fds"

log "soak: ${seconds} s of chaos"
chaos_for "$seconds"
settle
rss_end=$settled_rss
fds_end=$settled_fds
growth=$((rss_end - rss_ref))
restarts=$(grep -c 'is up' "$work/daemon.log" || true)
log "end: RSS ${rss_end} KiB (growth ${growth} KiB), ${fds_end} fds; ${reloads} reloads," \
  "${restarts} 'is up' transitions; notification backlog at most ${max_backlog}," \
  "peak RSS $(awk '/^VmHWM:/ {print $2}' "/proc/$daemon_pid/status") KiB"

daemon_alive || fail "the daemon died"
grep -qE 'AddressSanitizer|ThreadSanitizer|runtime error|LeakSanitizer' "$work/daemon.log" &&
  fail "a sanitizer reported a problem"
# Every figure is checked and reported before the verdict, so one miss does
# not hide another.
missed=()
if [ "$growth" -lt "$max_growth_kib" ]; then
  log "RSS growth ${growth} KiB: under the limit of ${max_growth_kib} KiB"
else
  log "MISSED: RSS grew by ${growth} KiB (limit ${max_growth_kib})"
  missed+=("RSS growth")
fi
if [ "$fds_end" -le "$fds_ref" ]; then
  log "descriptors ${fds_ref} -> ${fds_end}: no growth"
else
  log "MISSED: descriptors grew from $fds_ref to $fds_end"
  missed+=("descriptors")
fi
if [ "$with_receiver" = 1 ]; then
  # Retries back off (429: Retry-After 1 s; 5xx: 1 s, 2 s, 4 s...): give the
  # outbox time to drain, then compare.
  wait_until "check_deliveries quiet" "$delivery_wait" || true
  if ! check_deliveries; then
    log "MISSED: notifications were lost or duplicated (above)"
    missed+=("deliveries")
  fi
fi
[ "${#missed[@]}" -eq 0 ] || fail "missed: ${missed[*]}"
kill -TERM "$daemon_pid"
status=0
wait "$daemon_pid" || status=$?
daemon_pid=""
[ "$status" -eq 0 ] || fail "the daemon exited with $status on SIGTERM"
log "PASS"
