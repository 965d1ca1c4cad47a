#!/usr/bin/python3
"""Detection latency (issue 6): from the first write Redis rejects with OOM to
the HTTP request reaching a webhook receiver, for

  memwatch: redis-memwatch with default polling settings (interval 1 s,
            fast_interval 250 ms) and a `type: webhook` receiver;
  classic:  prometheus-redis-exporter -> Prometheus (scrape and evaluation
            every 1 s, a rule on redis_errors_total{err="OOM"} with for: 0s)
            -> Alertmanager (group_wait 0s) -> a webhook receiver;

both watching the same Redis in the same run, so each run gives one figure
for each. Each run starts everything afresh (Redis, both pipelines), waits
until both watch the Redis, waits a random phase (0-1 s), then a writer fills
keys without TTL at a steady rate until Redis answers -OOM; the writer stamps
that reply with CLOCK_MONOTONIC (time.monotonic()), the receiver (a separate
process) stamps each arriving request with the same clock. The writer keeps
writing, as the job of an incident would, until both alerts arrived.

    bench/detection_latency.sh [PATH-TO-redis-memwatch]

Environment (defaults in brackets; smoke defaults after the slash):
  MEMWATCH_BIN          the daemon [benchlib's default]
  BENCH_SMOKE=1         2 runs, 4mb Redis, < 60 s, RESULTS.md not written
  BENCH_RUNS            [20 / 2]
  BENCH_MAXMEMORY_MB    Redis maxmemory, noeviction [8 / 4]
  BENCH_FILL_KIB_S      writer rate, KiB/s of values [1024]
  BENCH_VALUE_BYTES     value size of each SET [8192]
  BENCH_DEADLINE        seconds; no run starts that might end after it [840 / 55]
  BENCH_NO_RESULTS=1    print only; BENCH_NOTE="..." one line in RESULTS.md
  BENCH_KEEP=1          keep the temp dirs (all logs and configs)
  BENCH_COMMAND         how the run was invoked, for RESULTS.md (set by the .sh)
Loopback only; every process is started here and stopped by PID (and dies
with this script: PR_SET_PDEATHSIG, from benchlib).
"""

import http.server
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402

PROMETHEUS = "/usr/bin/prometheus"
ALERTMANAGER = "/usr/bin/prometheus-alertmanager"
TARGET = "bench-redis"
ALERT = "RedisOomRejected"
CLASSIC_TIMEOUT = 30.0  # after the first OOM, per pipeline
TARGET_P50, TARGET_MAX = 0.5, 1.0  # issue 6, memwatch

# The classic rule, as fast as it gets: the err="OOM" series appears with the
# first rejection (increase() needs two samples), so a series that is new
# counts too. max by () merges the two branches into one label set.
RULES = """groups:
  - name: bench
    interval: 1s
    rules:
      - alert: %s
        expr: |
          max by (job, instance) (
              increase(redis_errors_total{err="OOM"}[1m]) > 0
            or
              (redis_errors_total{err="OOM"} unless redis_errors_total{err="OOM"} offset 1m)
          )
        for: 0s
        labels:
          severity: critical
""" % ALERT


# ---------------------------------------------------------------- receiver

def receiver_main(logpath):
    """Subprocess: logs every POST as {"t", "path", "body"}; t is
    time.monotonic() when the request line and headers have been read."""
    fd = os.open(logpath, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            t = time.monotonic()
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            rec = {"t": t, "path": self.path, "body": body.decode("utf-8", "replace")}
            with lock:
                os.write(fd, (json.dumps(rec) + "\n").encode())
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *unused):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


class Receiver:
    def __init__(self, workdir):
        self.logpath = os.path.join(workdir, "receiver.jsonl")
        open(self.logpath, "w").close()
        self.proc = bl.spawn([sys.executable, os.path.abspath(__file__), "--receiver",
                              self.logpath], stdout=subprocess.PIPE)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("PORT "):
            raise RuntimeError(f"receiver did not start: {line!r}")
        self.port = int(line.split()[1])
        self._offset, self._records = 0, []

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def records(self):
        with open(self.logpath) as f:
            f.seek(self._offset)
            chunk = f.read()
        end = chunk.rfind("\n") + 1  # whole lines only
        self._offset += len(chunk[:end].encode())
        for line in chunk[:end].splitlines():
            self._records.append(json.loads(line))
        return self._records


def memwatch_oom_arrival(records, path):
    """Monotonic time of the first memwatch request about a firing OOM alert."""
    for r in records:
        if r["path"] != path:
            continue
        try:
            body = json.loads(r["body"])
        except ValueError:
            continue
        if any(a.get("check") == "oom_rejections" and a.get("status") == "firing"
               for a in body.get("alerts", [])):
            return r["t"]
    return None


def classic_arrival(records, path):
    for r in records:
        if r["path"] != path:
            continue
        try:
            body = json.loads(r["body"])
        except ValueError:
            continue
        if any(a.get("status") == "firing" and a.get("labels", {}).get("alertname") == ALERT
               for a in body.get("alerts", [])):
            return r["t"]
    return None


# ---------------------------------------------------------------- processes

def listening_port(logpath, proc, what, timeout=20):
    """Prometheus and Alertmanager on port 0 log msg="Listening on" address=..."""
    def port():
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}: "
                               f"{open(logpath).read()[-2000:]}")
        m = re.search(r'msg="Listening on" address=127\.0\.0\.1:(\d+)', open(logpath).read())
        return int(m.group(1)) if m else None
    return bl.wait_until(port, timeout, f"{what} to listen")


def wait_http_ok(port, path, proc, what, timeout=30):
    def ok():
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            return bl.http_get(port, path, timeout=2)[0] == 200
        except OSError:
            return False
    bl.wait_until(ok, timeout, f"{what} {path}")


def start_alertmanager(workdir, webhook_url):
    cfg = os.path.join(workdir, "alertmanager.yml")
    with open(cfg, "w") as f:
        f.write("route:\n  receiver: hook\n  group_by: ['...']\n  group_wait: 0s\n"
                "  group_interval: 1s\n  repeat_interval: 1h\n"
                "receivers:\n  - name: hook\n    webhook_configs:\n"
                f"      - url: '{webhook_url}'\n        send_resolved: false\n")
    logpath = os.path.join(workdir, "alertmanager.log")
    proc = bl.spawn([ALERTMANAGER, f"--config.file={cfg}",
                     f"--storage.path={os.path.join(workdir, 'am-data')}",
                     "--web.listen-address=127.0.0.1:0", "--cluster.listen-address="],
                    stderr=open(logpath, "w"))
    port = listening_port(logpath, proc, "alertmanager")
    wait_http_ok(port, "/-/ready", proc, "alertmanager")
    return proc, port


def start_prometheus(workdir, exporter_port, am_port):
    with open(os.path.join(workdir, "rules.yml"), "w") as f:
        f.write(RULES)
    cfg = os.path.join(workdir, "prometheus.yml")
    with open(cfg, "w") as f:
        f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                "  evaluation_interval: 1s\n"
                "rule_files: [rules.yml]\n"
                "alerting:\n  alertmanagers:\n    - api_version: v2\n      static_configs:\n"
                f"        - targets: ['127.0.0.1:{am_port}']\n"
                "scrape_configs:\n  - job_name: redis\n    static_configs:\n"
                f"      - targets: ['127.0.0.1:{exporter_port}']\n")
    logpath = os.path.join(workdir, "prometheus.log")
    proc = bl.spawn([PROMETHEUS, f"--config.file={cfg}",
                     f"--storage.tsdb.path={os.path.join(workdir, 'tsdb')}",
                     "--web.listen-address=127.0.0.1:0"], stderr=open(logpath, "w"),
                    cwd=workdir)
    port = listening_port(logpath, proc, "prometheus")
    wait_http_ok(port, "/-/ready", proc, "prometheus")

    def scraped():
        if proc.poll() is not None:
            raise RuntimeError(f"prometheus exited with {proc.returncode}")
        status, body = bl.http_get(port, "/api/v1/query?query=redis_up", timeout=2)
        res = json.loads(body).get("data", {}).get("result", []) if status == 200 else []
        return any(r["value"][1] == "1" for r in res)
    # The rule needs one scrape of the healthy Redis before the first OOM.
    bl.wait_until(scraped, 30, "prometheus to scrape redis_up 1", step=0.1)
    return proc, port


class Daemon:
    """redis-memwatch with default polling and one webhook receiver."""

    def __init__(self, workdir, redis_port, webhook_url):
        self.config = os.path.join(workdir, "memwatch.yml")
        with open(self.config, "w") as f:
            f.write(f'listen: "127.0.0.1:0"\nstate_dir: {os.path.join(workdir, "state")}\n'
                    f"targets:\n  - name: {TARGET}\n    address: 127.0.0.1:{redis_port}\n"
                    f"receivers:\n  - name: hook\n    type: webhook\n    url: {webhook_url}\n")
        self.logpath = os.path.join(workdir, "memwatch.log")
        self.proc = bl.spawn([bl.memwatch_bin(), "--config", self.config, "--log-level", "debug"],
                             stderr=open(self.logpath, "w"))

        def port():
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-memwatch exited with {self.proc.returncode}: "
                                   f"{open(self.logpath).read()[-2000:]}")
            m = re.search(r"metrics on http://127\.0\.0\.1:(\d+)/metrics",
                          open(self.logpath).read())
            return int(m.group(1)) if m else None
        self.port = bl.wait_until(port, 20, "redis-memwatch to log its metrics port")
        wait_http_ok(self.port, "/-/ready", self.proc, "redis-memwatch")

    def fast_polling_seen(self):
        return "polling every" in open(self.logpath).read()


def start_redis(workdir, maxmemory_mb):
    for _ in range(5):
        port = bl.free_ports(1, 33000, 39000)[0]
        p = bl.start_redis(port, workdir, ["--maxmemory", f"{maxmemory_mb}mb",
                                           "--maxmemory-policy", "noeviction"])
        try:
            bl.wait_redis(port, p)
            return p, port
        except RuntimeError:
            bl.stop(p)
    raise RuntimeError("could not start redis-server on a free port")


# ---------------------------------------------------------------- one run

def fill_until_alerts(redis_port, receiver, mw_path, cl_path, rate, value_bytes):
    """Writes SET job:<i> <value> (no TTL) at `rate` bytes/s. Returns
    (t_first_oom, t_memwatch, t_classic, keys_written); arrivals None on timeout."""
    value = "x" * value_bytes
    period = value_bytes / rate
    c = bl.Resp(redis_port, timeout=10)
    t_oom = t_mw = t_cl = None
    i = written = 0
    start = time.monotonic()
    next_check = start
    try:
        while True:
            target = start + i * period
            now = time.monotonic()
            if target > now:
                time.sleep(target - now)
            try:
                c.call("SET", f"job:{i}", value)
                written += 1
            except RuntimeError as e:
                t = time.monotonic()
                if not str(e).startswith("OOM"):
                    raise
                if t_oom is None:
                    t_oom = t
            i += 1
            now = time.monotonic()
            if t_oom is None:
                if now - start > 120:
                    raise RuntimeError("no OOM after 120 s of writing")
                continue
            if now >= next_check:
                next_check = now + 0.05
                recs = receiver.records()
                t_mw = t_mw or memwatch_oom_arrival(recs, mw_path)
                t_cl = t_cl or classic_arrival(recs, cl_path)
                if (t_mw and t_cl) or now - t_oom > CLASSIC_TIMEOUT:
                    return t_oom, t_mw, t_cl, written
    finally:
        c.close()


def one_run(n, base, receiver, cfg):
    workdir = os.path.join(base, f"run{n:02d}")
    os.makedirs(workdir)
    procs = []
    try:
        redis, redis_port = start_redis(workdir, cfg["maxmemory_mb"])
        procs.append(redis)
        am, am_port = start_alertmanager(workdir, receiver.url(f"/classic/{n}"))
        procs.append(am)
        exporter = bl.Exporter(workdir, redis_port)
        procs.append(exporter.proc)
        prom, _ = start_prometheus(workdir, exporter.port, am_port)
        procs.append(prom)
        daemon = Daemon(workdir, redis_port, receiver.url(f"/memwatch/{n}"))
        procs.append(daemon.proc)
        phase = random.uniform(0.0, 1.0)
        time.sleep(phase)  # random phase against both poll/scrape schedules
        t_oom, t_mw, t_cl, written = fill_until_alerts(
            redis_port, receiver, f"/memwatch/{n}", f"/classic/{n}", cfg["rate"],
            cfg["value_bytes"])
        return {
            "run": n,
            "phase_s": round(phase, 3),
            "keys_before_oom_and_after": written,
            "memwatch_s": None if t_mw is None else t_mw - t_oom,
            "classic_s": None if t_cl is None else t_cl - t_oom,
            "memwatch_fast_polling_logged": daemon.fast_polling_seen(),
        }
    finally:
        for p in reversed(procs):
            bl.stop(p)


# ---------------------------------------------------------------- report

def summarize(values):
    ok = [v for v in values if v is not None]
    return {"n": len(values), "missing": len(values) - len(ok),
            "p50": bl.percentile(ok, 50), "p90": bl.percentile(ok, 90),
            "max": max(ok) if ok else float("nan"), "min": min(ok) if ok else float("nan")}


def tool_version(argv, pattern):
    out = subprocess.run(argv, capture_output=True, text=True)
    m = re.search(pattern, out.stdout + out.stderr)
    return m.group(1) if m else "unknown"


def report(results, cfg, started, elapsed, machine_before, machine_after):
    mw = summarize([r["memwatch_s"] for r in results])
    cl = summarize([r["classic_s"] for r in results])

    def ms(v):
        return "n/a" if v != v else f"{v * 1000:.0f} ms"

    def ratio(a, b):
        return "n/a" if a != a or b != b or a == 0 else f"{b / a:.1f}x"

    met_p50 = mw["p50"] <= TARGET_P50 and mw["missing"] == 0
    met_max = mw["max"] <= TARGET_MAX and mw["missing"] == 0
    mi = machine_before
    prom_version = tool_version([PROMETHEUS, "--version"], r"version (\S+)")
    am_version = tool_version([ALERTMANAGER, "--version"], r"version (\S+)")
    lines = [
        "",
        f"## {started} detection latency (issue 6): first OOM reply -> webhook receiver",
        "",
        f"- Command: `{cfg['command']}`",
        f"- Machine: {mi['cores']} cores, {mi['cpu_model']}, {mi['mem_gib']} GiB; load average "
        f"{mi['loadavg']} at start, {machine_after['loadavg']} at end (shared machine)",
        f"- Versions: redis-memwatch {cfg['binary']} (tree {bl.git_commit()}); "
        f"redis-server {bl.redis_version()}; prometheus-redis-exporter {bl.exporter_version()}; "
        f"prometheus {prom_version}; prometheus-alertmanager {am_version}",
        f"- Each run (fresh processes): redis-server maxmemory {cfg['maxmemory_mb']}mb "
        f"noeviction; a writer SETs {cfg['value_bytes']} B values without TTL at "
        f"{cfg['rate'] / 1024:.0f} KiB/s after a random 0-1 s phase and keeps writing after the "
        "first -OOM; t0 = time.monotonic() when the writer reads that reply; t1 = the "
        "receiver's time.monotonic() when the request's headers are read.",
        "- memwatch: default `interval` (1s) and `alerting.fast_interval` (250ms), one "
        "`type: webhook` receiver, no filter; t1 = first request whose body has "
        "`oom_rejections` firing.",
        "- classic: redis_exporter (default flags), scraped by Prometheus (scrape_interval 1s, "
        "scrape_timeout 1s, evaluation_interval 1s) with `max by (job, instance) "
        "(increase(redis_errors_total{err=\"OOM\"}[1m]) > 0 or (redis_errors_total{err=\"OOM\"} "
        "unless redis_errors_total{err=\"OOM\"} offset 1m))`, `for: 0s` -> Alertmanager "
        "(group_by ['...'], group_wait 0s, group_interval 1s) -> webhook. redis_exporter 1.45 "
        "exports errorstats as `redis_errors_total{err=\"OOM\"}` (also "
        "`redis_commands_rejected_calls_total{cmd=\"set\"}`), a series that only appears with "
        "the first rejection.",
        f"- {len(results)} runs in {elapsed:.0f} s" + (f"; note: {cfg['note']}" if cfg["note"]
                                                         else ""),
        "",
        "| pipeline | runs | p50 | p90 | max | min | missing (> 30 s) |",
        "|---|---|---|---|---|---|---|",
        f"| redis-memwatch -> webhook | {mw['n']} | {ms(mw['p50'])} | {ms(mw['p90'])} | "
        f"{ms(mw['max'])} | {ms(mw['min'])} | {mw['missing']} |",
        f"| exporter -> Prometheus -> Alertmanager -> webhook | {cl['n']} | {ms(cl['p50'])} | "
        f"{ms(cl['p90'])} | {ms(cl['max'])} | {ms(cl['min'])} | {cl['missing']} |",
        f"| classic / memwatch | | {ratio(mw['p50'], cl['p50'])} | {ratio(mw['p90'], cl['p90'])} "
        f"| {ratio(mw['max'], cl['max'])} | | |",
        "",
        f"Issue 6 target for redis-memwatch: p50 <= 0.5 s ({'**met**' if met_p50 else '**MISSED**'}"
        f"), max <= 1 s ({'**met**' if met_max else '**MISSED**'}).",
        "",
        "Per run (ms, memwatch / classic; F = memwatch logged fast polling before the end of "
        "the run): " + ", ".join(
            f"{r['run']}: {ms(r['memwatch_s']) if r['memwatch_s'] is not None else 'none'} / "
            f"{ms(r['classic_s']) if r['classic_s'] is not None else 'none'}"
            f"{' F' if r['memwatch_fast_polling_logged'] else ''}" for r in results),
        "",
    ]
    return "\n".join(lines), mw, cl, met_p50 and met_max


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--receiver":
        return receiver_main(sys.argv[2])
    out_json = sys.argv[1] if len(sys.argv) > 1 else None
    for tool in (PROMETHEUS, ALERTMANAGER, bl.EXPORTER_BIN, bl.REDIS_SERVER):
        if not os.access(tool, os.X_OK):
            sys.exit(f"{tool} is missing (scripts/setup.sh installs it)")
    cfg = {
        "runs": bl.env_int("BENCH_RUNS", 20, 2),
        "maxmemory_mb": bl.env_int("BENCH_MAXMEMORY_MB", 8, 4),
        "rate": bl.env_int("BENCH_FILL_KIB_S", 1024) * 1024,
        "value_bytes": bl.env_int("BENCH_VALUE_BYTES", 8192),
        "deadline": bl.env_int("BENCH_DEADLINE", 840, 55),
        "binary": bl.binary_info(bl.memwatch_bin()),
        "command": os.environ.get("BENCH_COMMAND") or " ".join(sys.argv),
        "note": os.environ.get("BENCH_NOTE", ""),
    }
    base = bl.tmpdir("bench-detect-")
    started = time.strftime("%Y-%m-%d %H:%M")
    machine_before = bl.machine_info()
    t_start = time.monotonic()
    receiver = Receiver(base)
    results, longest = [], 0.0
    try:
        for n in range(1, cfg["runs"] + 1):
            elapsed = time.monotonic() - t_start
            if n > 1 and elapsed + 1.5 * longest > cfg["deadline"]:
                bl.log(f"stopping after {n - 1} runs: the next might pass BENCH_DEADLINE")
                break
            t0 = time.monotonic()
            r = one_run(n, base, receiver, cfg)
            longest = max(longest, time.monotonic() - t0)
            results.append(r)
            bl.log(f"run {n}: memwatch {r['memwatch_s']}, classic {r['classic_s']} "
                   f"({time.monotonic() - t0:.1f} s)")
    finally:
        bl.stop(receiver.proc)
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(base, ignore_errors=True)
        else:
            bl.log(f"kept {base}")
    elapsed = time.monotonic() - t_start
    text, mw, cl, met = report(results, cfg, started, elapsed, machine_before, bl.machine_info())
    print(text)
    if out_json:
        bl.write_json(out_json, {"config": cfg, "runs": results, "memwatch": mw, "classic": cl})
    if not bl.smoke() and not os.environ.get("BENCH_NO_RESULTS"):
        # One append of the whole section: others append to the same file.
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md"),
                  "a") as f:
            f.write(text)
        bl.log("appended to bench/RESULTS.md")
    # Every run must have produced both figures; the targets are reported,
    # not enforced here (a loaded machine is not the product's fault).
    return 0 if mw["missing"] == 0 and cl["missing"] == 0 and results else 1


if __name__ == "__main__":
    sys.exit(main())
