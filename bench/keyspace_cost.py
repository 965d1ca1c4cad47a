"""Issue 16: what naming the prefixes that fill Redis costs, against the tools
people reach for, on real redis-servers holding the incident keyspace at each
size of BENCH_KEYS (default "100000,1000000", one size after the other, each
on a fresh redis-server: 80 % `cache:user:<n>` with a TTL, 20 %
`coupon:gen:<n>` without; DEBUG POPULATE, then EXPIRE in Lua chunks).

Tools, one after another on the same Redis, each after LATENCY RESET and
CONFIG RESETSTAT:
- ours, one-shot: `redis-memwatch doctor URL --scan-time BENCH_SCAN_TIME
  --format json` (bounded sample: <= 1 % of Redis command time, <= 2,000
  keys/s);
- `redis-cli --bigkeys` and `redis-cli --memkeys` (every key, full speed);
- redis_exporter with `-check-key-groups` for the same two families, scraped
  every BENCH_SCRAPE_INTERVAL (15 s) for BENCH_EXPORTER_WINDOW (60 s, and at
  least 3 scrapes): it runs MEMORY USAGE on every key in Lua batches on each
  scrape. Scrapes of one target never overlap (as Prometheus' scrape loop):
  a scrape that outlasts the interval delays the next, which then starts at
  once; the ticks it covered are counted as missed;
- ours, continuously: the daemon at its default keyspace budget (1 % of Redis
  time, 2,000 keys/s), from its start until its /metrics first carries the
  redis_memwatch_keyspace_prefix_* series (they appear once the first SCAN
  cycle over every key is complete), polled every 0.5 s.

Per tool: Redis command time (sum of usec over cmdstat_*, read in one INFO
after the tool; CONFIG RESETSTAT and LATENCY RESET left out, the probe's
PINGs subtracted pro rata; SCAN and MEMORY USAGE called from the exporter's
Lua script counted once, within EVALSHA), wall time, Redis time per second
(usec / wall: the share of Redis' command thread), the longest single
command Redis saw (LATENCY LATEST, event "command", latency-monitor-threshold
1 ms: only >= 1 ms is visible), Redis process CPU, the tool's own CPU and
peak RSS (/usr/bin/time %U+%S and %M; the exporter and the daemon: schedstat
CPU, VmHWM with their start-up), and the PING latency seen by another client
while the tool runs (one connection, a PING every 2 ms, p50/p99/max) against
an idle window first. The daemon's sampling cost is also given alone (SCAN,
TYPE, TTL, MEMORY: what its 1 % budget bounds; its INFO polls come on top).
And what each tool answers about the incident: does it name coupon:gen as the
prefix without TTL, and how close are its counts and bytes to the truth (keys
as populated; bytes: the exporter's exact sum of MEMORY USAGE per group).

Writes JSON to argv[1]; the Markdown tables to argv[2] if given. With
`--summary RUN1.json [RUN2.json ...]`: both sizes side by side, each
figure as "run 1 / run 2", from the JSON of earlier runs."""

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

import benchlib as b

TTL_S = 86400
CHUNK = 100000
SAMPLING = ("scan", "type", "ttl", "memory|usage")  # what the daemon's budget counts
FAMILIES = ("coupon:gen:*", "cache:user:*")


class PingProbe:
    """Another client: one PING every `period` s on its own connection, RTTs kept."""

    def __init__(self, port, period=0.002):
        self.conn, self.period, self.rtts = b.Resp(port), period, []
        self.stop_flag = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop_flag.is_set():
            t0 = time.perf_counter()
            self.conn.call("PING")
            self.rtts.append(time.perf_counter() - t0)
            self.stop_flag.wait(self.period)

    def stop(self):
        self.stop_flag.set()
        self.thread.join(timeout=10)
        self.conn.close()
        ms = [x * 1e3 for x in self.rtts]
        return {"pings": len(ms), "p50_ms": b.percentile(ms, 50), "p99_ms": b.percentile(ms, 99),
                "max_ms": max(ms) if ms else float("nan")}


def populate(conn, keys):
    n_cache = keys * 8 // 10
    conn.call("DEBUG", "POPULATE", n_cache, "cache:user")
    conn.call("DEBUG", "POPULATE", keys - n_cache, "coupon:gen")
    script = ("for i=tonumber(ARGV[1]),tonumber(ARGV[2]) do "
              "redis.call('EXPIRE','cache:user:'..i,ARGV[3]) end return 1")
    for lo in range(0, n_cache, CHUNK):
        conn.call("EVAL", script, 0, lo, min(lo + CHUNK, n_cache) - 1, TTL_S)
    return n_cache


def run_with_rusage(argv, out_file):
    """(wall s, exit code, CPU s, peak RSS KiB) of one child process, from
    /usr/bin/time (the rusage of a child forked by this Python would count
    the forked interpreter's pages in its peak RSS)."""
    usage = out_file + ".time"
    with open(out_file, "w") as f:
        t0 = time.monotonic()
        p = subprocess.Popen(["/usr/bin/time", "-o", usage, "-f", "%U %S %M", *argv], stdout=f,
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             preexec_fn=b._die_with_parent)
        rc = p.wait()
        wall = time.monotonic() - t0
    user, system, maxrss = open(usage).read().split()[-3:]
    return wall, rc, float(user) + float(system), int(maxrss)


def redis_side(conn, probe_pings):
    """Commands since CONFIG RESETSTAT, without the bench's own, and the
    longest command LATENCY saw (ms, None if below the 1 ms threshold)."""
    stats = {}
    for k, v in b.parse_info(conn.call("INFO", "commandstats")).items():
        if k.startswith("cmdstat_"):
            f = dict(x.split("=", 1) for x in v.split(","))
            stats[k[len("cmdstat_"):]] = [int(f["calls"]), int(f["usec"])]
    for own in ("config|resetstat", "latency|reset"):
        stats.pop(own, None)
    if "ping" in stats:
        calls, usec = stats["ping"]
        left = max(calls - probe_pings, 0)
        stats["ping"] = [left, round(usec * left / calls) if calls else 0]
        if not left:
            stats.pop("ping")
    longest = None
    for ev in conn.call("LATENCY", "LATEST") or []:
        if ev[0] == "command":
            longest = int(ev[3])  # all-time max since LATENCY RESET, ms
    return stats, longest


def estimate(v):
    """A count from doctor's JSON ({value, low, high}) or the daemon's (a number)."""
    if isinstance(v, dict):
        return v.get("value")
    return v


def answer_ours(text):
    d = json.loads(text)
    t = d["targets"][0]
    ks = t.get("keyspace") or {}
    no_ttl = [p for p in ks.get("by_no_ttl", []) if not p.get("other")]
    top = no_ttl[0] if no_ttl else {}
    by_bytes = [p for p in ks.get("by_bytes", []) if not p.get("other")]
    return {
        "names_coupon_gen_without_ttl": top.get("prefix") == "coupon:gen:*",
        "top_no_ttl_prefix": top.get("prefix"),
        "keys_estimate": top.get("keys"),
        "keys_without_ttl_estimate": top.get("keys_without_ttl"),
        "bytes_estimate": top.get("bytes"),
        "by_bytes": [(p["prefix"], p["bytes"], p["share"]) for p in by_bytes],
        "prefixes": {p["prefix"]: {"keys": estimate(p["keys"]),
                                   "keys_without_ttl": estimate(p["keys_without_ttl"]),
                                   "bytes": p.get("bytes")} for p in by_bytes},
        "sampled_keys": ks.get("sampled_keys"),
        "scan": ks.get("scan"),
    }


def answer_cli(text):
    big = re.findall(r"Biggest\s+(\w+) found '\"?([^'\"]+)\"?' has (\d+) (\w+)", text)
    return {"names_coupon_gen_without_ttl": False,
            "biggest": [{"type": t, "key": k, "size": int(n), "unit": u} for t, k, n, u in big],
            "note": "biggest single key per type; no prefixes, no TTL"}


def answer_exporter(text):
    out = {}
    for m in re.finditer(r'^redis_key_group_(count|memory_usage_bytes)\{([^}]*)\} (\S+)$',
                         text, re.M):
        g = re.search(r'key_group="([^"]*)"', m.group(2)).group(1)
        out.setdefault(g, {})[m.group(1)] = float(m.group(3))
    return {"names_coupon_gen_without_ttl": False, "groups": out,
            "note": "per named group: key count and memory; groups given in advance, no TTL"}


PREFIX_SERIES = re.compile(r'^redis_memwatch_keyspace_prefix_(keys|keys_without_ttl|bytes)'
                           r'\{target="r",prefix="((?:[^"\\]|\\.)*)"\} (\S+)$', re.M)


def daemon_prefixes(text):
    """{prefix: {keys, keys_without_ttl, bytes}} from the daemon's /metrics."""
    out = {}
    for m in PREFIX_SERIES.finditer(text):
        out.setdefault(m.group(2), {})[m.group(1)] = float(m.group(3))
    return out


def answer_daemon(text):
    prefixes = daemon_prefixes(text)
    real = {p: v for p, v in prefixes.items() if p != "\\\\other"}
    no_ttl = sorted(real, key=lambda p: -real[p].get("keys_without_ttl", 0))
    return {"names_coupon_gen_without_ttl": bool(no_ttl) and no_ttl[0] == "coupon:gen:*",
            "top_no_ttl_prefix": no_ttl[0] if no_ttl else None, "prefixes": prefixes}


def metric_value(text, name):
    m = re.search(r'^' + re.escape(name) + r'(?:\{[^}]*\})? (\S+)$', text, re.M)
    return float(m.group(1)) if m else None


def run_exporter(work, redis_port, tag):
    port = b.free_ports(1, 32100, 32700)[0]
    logf = open(os.path.join(work, f"{tag}.log"), "w")
    argv = [b.EXPORTER_BIN, "-redis.addr", f"redis://127.0.0.1:{redis_port}",
            "-web.listen-address", f"127.0.0.1:{port}",
            "-check-key-groups", "^(coupon:gen):,^(cache:user):"]
    proc = b.spawn(argv, stdout=logf, stderr=logf)

    def up():
        if proc.poll() is not None:
            raise RuntimeError(f"redis_exporter exited with {proc.returncode}")
        try:
            return b.http_get(port, "/health")[0] == 200
        except OSError:
            return False
    b.wait_until(up, 15, "redis_exporter /health")
    return proc, port, logf, argv


def scrape_every(port, interval, window, min_scrapes=3):
    """Scrapes /metrics on a fixed cadence for `window` s and at least
    `min_scrapes` times, never two at once: a scrape still running at a tick
    delays the next one, which starts as soon as it ends (the ticks it
    covered are missed). Returns (scrapes, wall s, last body)."""
    scrapes, body, missed = [], b"", 0
    t0 = time.monotonic()
    tick = t0
    while True:
        now = time.monotonic()
        if now - t0 >= window and len(scrapes) >= min_scrapes:
            break
        if now < tick:
            time.sleep(min(tick - now, 0.5))
            continue
        s0 = time.monotonic()
        status, body = b.http_get(port, "/metrics", timeout=900)
        dt = time.monotonic() - s0
        if status != 200:
            raise RuntimeError(f"redis_exporter /metrics: HTTP {status}")
        scrapes.append({"start_s": s0 - t0, "duration_s": dt, "late_s": s0 - tick,
                        "missed_ticks_before": missed})
        tick += interval
        missed = 0
        while tick + interval <= time.monotonic():
            tick += interval
            missed += 1
    return scrapes, time.monotonic() - t0, body


def wait_named(daemon, timeout):
    """Polls the daemon's /metrics until it names coupon:gen:*; (seconds
    since `daemon.started`, body)."""
    series = 'redis_memwatch_keyspace_prefix_keys{target="r",prefix="coupon:gen:*"}'
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if daemon.proc.poll() is not None:
            raise RuntimeError(f"redis-memwatch exited with {daemon.proc.returncode}")
        try:
            status, body = b.http_get(daemon.port, "/metrics")
        except OSError:
            status, body = 0, b""
        if status == 200 and series.encode() in body:
            return time.monotonic() - daemon.started, body.decode(errors="replace")
        time.sleep(0.5)
    raise RuntimeError(f"redis-memwatch did not name the prefixes within {timeout} s")


def measure_tool(name, conn, redis, work, url, opts):
    """One tool, from RESETSTAT to its answer."""
    tag = f"{name}-{opts['keys']}"
    exporter = None
    if name == "exporter":
        exporter = run_exporter(work, redis["port"], tag)
    conn.call("LATENCY", "RESET")
    conn.call("CONFIG", "RESETSTAT")
    r0 = b.cpu_seconds(redis["pid"])
    probe = PingProbe(redis["port"])
    out_file = os.path.join(work, f"{tag}.out")
    extra = {}
    if name == "doctor":
        argv = [b.memwatch_bin(), "doctor", url, "--scan-time", opts["scan_time"],
                "--format", "json"]
        wall, rc, cpu, maxrss = run_with_rusage(argv, out_file)
        answer_s = wall
    elif name in ("bigkeys", "memkeys"):
        argv = ["redis-cli", "-p", str(redis["port"]), f"--{name}"]
        wall, rc, cpu, maxrss = run_with_rusage(argv, out_file)
        answer_s = wall
    elif name == "exporter":
        proc, port, logf, argv = exporter
        c0 = b.cpu_seconds(proc.pid)
        scrapes, wall, body = scrape_every(port, opts["scrape_interval"], opts["exporter_window"])
        cpu, rc = b.cpu_seconds(proc.pid) - c0, 0
        maxrss = int(b.status_field(proc.pid, "VmHWM").split()[0])
        with open(out_file, "wb") as f:
            f.write(body)
        durations = [s["duration_s"] for s in scrapes]
        answer_s = durations[0]
        extra = {"scrapes": scrapes, "scrape_interval_s": opts["scrape_interval"],
                 "scrape_p50_s": b.median(durations), "scrape_max_s": max(durations),
                 "scrapes_over_interval": sum(d > opts["scrape_interval"] for d in durations),
                 "scrapes_over_10s": sum(d > 10 for d in durations),
                 "missed_ticks": sum(s["missed_ticks_before"] for s in scrapes)}
    else:  # the daemon at its default keyspace settings
        argv = [b.memwatch_bin(), "--config", "(1 target, interval 1s, keyspace defaults)"]
        t0 = time.monotonic()  # from the spawn (b.Memwatch returns once the port is logged)
        daemon = b.Memwatch(work, [("r", redis["port"])], tag=tag)
        daemon.started = t0
        answer_s, text = wait_named(daemon, opts["keys"] / 2000 * 3 + 120)
        wall = time.monotonic() - t0
        cpu = b.cpu_seconds(daemon.pid)
        maxrss = int(b.status_field(daemon.pid, "VmHWM").split()[0])
        rc = 0
        with open(out_file, "w") as f:
            f.write(text)
        extra = {"cycle_s": metric_value(text, "redis_memwatch_keyspace_cycle_seconds"),
                 "own_redis_s": metric_value(text, "redis_memwatch_keyspace_redis_seconds_total"),
                 "sampled_keys": metric_value(text, "redis_memwatch_keyspace_sampled_keys_total")}
    ping = probe.stop()
    redis_cpu = b.cpu_seconds(redis["pid"]) - r0
    stats, longest = redis_side(conn, ping["pings"])
    if exporter:
        b.stop(exporter[0])
        exporter[2].close()
    if name == "daemon":
        daemon.stop()
    text = open(out_file, errors="replace").read()
    answer = {"doctor": answer_ours, "exporter": answer_exporter,
              "daemon": answer_daemon}.get(name, answer_cli)(text)
    # Commands called from a script are counted on their own AND within the
    # script's EVAL/EVALSHA time: the exporter's key-group script calls SCAN
    # and MEMORY USAGE (all its SCAN and MEMORY USAGE calls come from it).
    nested = ("scan", "memory|usage") if name == "exporter" else ()
    usec = sum(u for c, (_, u) in stats.items() if c not in nested)
    sampling_usec = sum(u for c, (_, u) in stats.items() if c in SAMPLING)
    return {"nested_in_scripts": list(nested), "argv": argv, "exit": rc, "wall_s": wall,
            "answer_s": answer_s, "tool_cpu_s": cpu, "tool_peak_rss_kib": maxrss,
            "redis_usec": usec, "redis_calls": sum(n for _, (n, _) in stats.items()),
            "redis_share": usec / 1e6 / wall, "sampling_usec": sampling_usec,
            "sampling_share": sampling_usec / 1e6 / wall, "redis_cpu_s": redis_cpu,
            "longest_command_ms": longest, "commands": stats, "ping": ping, "answer": answer,
            **extra}


def truth(size):
    """True counts per family, bytes from the exporter's MEMORY USAGE sums."""
    groups = size["tools"]["exporter"]["answer"]["groups"]
    n_cache = size["keys_with_ttl"]
    n_coupon = size["keys"] - n_cache
    return {"coupon:gen:*": {"keys": n_coupon, "keys_without_ttl": n_coupon,
                             "bytes": groups.get("coupon:gen", {}).get("memory_usage_bytes")},
            "cache:user:*": {"keys": n_cache, "keys_without_ttl": 0,
                             "bytes": groups.get("cache:user", {}).get("memory_usage_bytes")}}


def accuracy(prefixes, true):
    """{family: {field: [estimate, true, relative error or None]}}."""
    out = {}
    for fam in FAMILIES:
        got = prefixes.get(fam, {})
        out[fam] = {}
        for field in ("keys", "keys_without_ttl", "bytes"):
            est, want = got.get(field), true[fam][field]
            err = (est - want) / want if est is not None and want else None
            out[fam][field] = [est, want, err]
    return out


TOOLS = ("doctor", "bigkeys", "memkeys", "exporter", "daemon")
LABEL = {"doctor": "redis-memwatch doctor", "bigkeys": "redis-cli --bigkeys",
         "memkeys": "redis-cli --memkeys",
         "exporter": "redis_exporter -check-key-groups, scraped every {interval} s",
         "daemon": "redis-memwatch daemon, default budget"}


def fmt_answer_time(name, r):
    if name == "exporter":
        return (f"{r['scrape_p50_s']:.1f} s per scrape (max {r['scrape_max_s']:.1f} s, "
                f"{len(r['scrapes'])} scrapes in {r['wall_s']:.0f} s)")
    if name == "daemon":
        return f"{r['answer_s']:.0f} s to name the prefixes (cycle {r['cycle_s']:.0f} s)"
    return f"{r['wall_s']:.1f} s"


def fmt_accuracy(name, r, true):
    if name in ("bigkeys", "memkeys"):
        return "no prefixes"
    if name == "exporter":
        return "exact (defines the bytes truth); no TTL"
    acc = accuracy(r["answer"]["prefixes"], true)
    cells = []
    for fam, short in (("coupon:gen:*", "coupon"), ("cache:user:*", "cache")):
        k, nt, by = acc[fam]["keys"], acc[fam]["keys_without_ttl"], acc[fam]["bytes"]
        parts = []
        for label, (est, want, err) in (("keys", k), ("no TTL", nt), ("bytes", by)):
            if est is None:
                parts.append(f"{label} -")
            elif err is None:
                parts.append(f"{label} {est:,.0f} (true {want:,})")
            else:
                parts.append(f"{label} {100 * err:+.1f} %")
        cells.append(f"{short}: " + ", ".join(parts))
    return "<br>".join(cells)


def markdown_size(size):
    t = size["tools"]
    true = truth(size)
    rows = [
        ("time to the answer", lambda n, r: fmt_answer_time(n, r)),
        ("wall time measured", lambda n, r: f"{r['wall_s']:.1f} s"),
        ("Redis command time (commandstats usec)", lambda n, r: f"{r['redis_usec'] / 1e3:,.0f} ms"),
        ("Redis time per second (usec / wall)", lambda n, r: f"{100 * r['redis_share']:.2f} %"),
        ("of which SCAN/TYPE/TTL/MEMORY (what our 1 % budget bounds)",
         lambda n, r: "(within EVALSHA)" if n == "exporter"
         else f"{100 * r['sampling_share']:.2f} %"),
        ("commands Redis ran", lambda n, r: f"{r['redis_calls']:,}"),
        ("longest single command (LATENCY LATEST, >= 1 ms)",
         lambda n, r: f"{r['longest_command_ms']} ms" if r["longest_command_ms"] else "< 1 ms"),
        ("Redis process CPU", lambda n, r: f"{r['redis_cpu_s']:.2f} s"),
        ("tool CPU", lambda n, r: f"{r['tool_cpu_s']:.2f} s"),
        ("tool peak RSS", lambda n, r: f"{r['tool_peak_rss_kib'] / 1024:.1f} MiB"),
        ("PING p50 / p99 / max by another client",
         lambda n, r: f"{r['ping']['p50_ms']:.2f} / {r['ping']['p99_ms']:.2f} / {r['ping']['max_ms']:.1f} ms"),
        ("names `coupon:gen:*` as the prefix without TTL",
         lambda n, r: "**yes**" if r["answer"]["names_coupon_gen_without_ttl"] else "no"),
        ("error against the true counts and MEMORY USAGE bytes",
         lambda n, r: fmt_accuracy(n, r, true)),
    ]
    lines = [f"### {size['keys']:,} keys ({size['used_memory'] / 2**20:.0f} MiB used_memory)", "",
             "| figure | " + " | ".join(LABEL[n].format(interval=size["scrape_interval"])
                                        for n in TOOLS) + " |",
             "|---" * (len(TOOLS) + 1) + "|"]
    for label, fmt in rows:
        lines.append(f"| {label} | " + " | ".join(fmt(n, t[n]) for n in TOOLS) + " |")
    e = t["exporter"]
    lines.append("")
    lines.append("Exporter scrapes (start s, duration s): "
                 + ", ".join(f"{s['start_s']:.1f}: {s['duration_s']:.2f}" for s in e["scrapes"])
                 + f"; {e['scrapes_over_interval']} longer than the {e['scrape_interval_s']} s "
                 f"interval, {e['scrapes_over_10s']} longer than Prometheus' default 10 s "
                 f"scrape_timeout, {e['missed_ticks']} ticks missed.")
    d = t["daemon"]
    lines.append(f"Daemon: own counter redis_memwatch_keyspace_redis_seconds_total "
                 f"{d['own_redis_s']:.3f} s (commandstats: {d['sampling_usec'] / 1e6:.3f} s), "
                 f"{d['sampled_keys']:,.0f} keys sampled.")
    i = size["idle_ping"]
    lines.append(f"Idle PING (no tool, {size['idle_s']} s): p50 {i['p50_ms']:.2f} ms, "
                 f"p99 {i['p99_ms']:.2f} ms, max {i['max_ms']:.1f} ms.")
    lines.append("")
    # Ratios: ours over each anchor. One-shot: Redis time spent to the answer.
    # Continuous: Redis time per second.
    lines.append("| ratio, ours / anchor | vs bigkeys | vs memkeys | vs exporter |")
    lines.append("|---|---|---|---|")
    one_scrape_usec = e["redis_usec"] / len(e["scrapes"])
    for who in ("doctor", "daemon"):
        o = t[who]
        cells = [f"{o['redis_usec'] / t[n]['redis_usec']:.3g}" for n in ("bigkeys", "memkeys")]
        cells.append(f"{o['redis_usec'] / one_scrape_usec:.3g} (one scrape)")
        lines.append(f"| Redis command time to the answer, {who} | " + " | ".join(cells) + " |")
    o = t["daemon"]
    cells = ["(one-shot)", "(one-shot)",
             f"{o['redis_share'] / e['redis_share']:.3g} (every {e['scrape_interval_s']} s)"]
    lines.append("| Redis time per second, daemon | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def markdown(res):
    return "\n".join(markdown_size(s) for s in res["sizes"])


def summary(runs):
    """Both sizes side by side, one cell per figure with each run's value
    ("run 1 / run 2"), from the JSON of one or more runs."""
    def size(r, k):
        return next(s for s in r["sizes"] if s["keys"] == k)

    def t(r, k, n):
        return size(r, k)["tools"][n]

    def err(r, k, n, fam, field):
        want = truth(size(r, k))[fam][field]
        got = t(r, k, n)["answer"]["prefixes"][fam][field]
        return f"{100 * (got - want) / want:+.1f} %"

    def per_scrape(r, k):
        e = t(r, k, "exporter")
        return e["redis_usec"] / len(e["scrapes"])

    def longest(r, k, n):
        return f"{t(r, k, n)['longest_command_ms'] or '< 1'} ms"

    rows = [
        ("doctor --scan-time: wall", lambda r, k: f"{t(r, k, 'doctor')['wall_s']:.1f} s"),
        ("doctor: Redis command time (share)",
         lambda r, k: f"{t(r, k, 'doctor')['redis_usec'] / 1e3:.0f} ms "
                      f"({100 * t(r, k, 'doctor')['redis_share']:.2f} %)"),
        ("doctor: error, coupon:gen:* keys without TTL / bytes",
         lambda r, k: f"{err(r, k, 'doctor', 'coupon:gen:*', 'keys_without_ttl')}, "
                      f"{err(r, k, 'doctor', 'coupon:gen:*', 'bytes')}"),
        ("daemon: time from start to the prefix series",
         lambda r, k: f"{t(r, k, 'daemon')['answer_s']:.0f} s"),
        ("daemon: Redis command time, whole first cycle (INFO polls included)",
         lambda r, k: f"{t(r, k, 'daemon')['redis_usec'] / 1e3:,.0f} ms"),
        ("daemon: Redis time per second while sampling, total (SCAN/TYPE/TTL/MEMORY only)",
         lambda r, k: f"{100 * t(r, k, 'daemon')['redis_share']:.2f} % "
                      f"({100 * t(r, k, 'daemon')['sampling_share']:.2f} %)"),
        ("daemon: error, coupon:gen:* keys without TTL / bytes; cache:user:* keys / bytes",
         lambda r, k: f"{err(r, k, 'daemon', 'coupon:gen:*', 'keys_without_ttl')}, "
                      f"{err(r, k, 'daemon', 'coupon:gen:*', 'bytes')}; "
                      f"{err(r, k, 'daemon', 'cache:user:*', 'keys')}, "
                      f"{err(r, k, 'daemon', 'cache:user:*', 'bytes')}"),
        ("daemon: longest command / peak RSS",
         lambda r, k: f"{longest(r, k, 'daemon')}, "
                      f"{t(r, k, 'daemon')['tool_peak_rss_kib'] / 1024:.1f} MiB"),
        ("exporter: time per scrape (median, max)",
         lambda r, k: f"{t(r, k, 'exporter')['scrape_p50_s']:.2f}, "
                      f"{t(r, k, 'exporter')['scrape_max_s']:.2f} s"),
        ("exporter: Redis command time per scrape", lambda r, k: f"{per_scrape(r, k) / 1e3:,.0f} ms"),
        ("exporter: Redis time per second at its scrape interval",
         lambda r, k: f"{100 * t(r, k, 'exporter')['redis_share']:.2f} %"),
        ("exporter: scrapes over the interval / over 10 s / ticks missed",
         lambda r, k: "{scrapes_over_interval}/{scrapes_over_10s}/{missed_ticks}".format(
             **t(r, k, "exporter"))),
        ("exporter: longest command", lambda r, k: longest(r, k, "exporter")),
        ("redis-cli --bigkeys: wall, Redis command time",
         lambda r, k: f"{t(r, k, 'bigkeys')['wall_s']:.1f} s, "
                      f"{t(r, k, 'bigkeys')['redis_usec'] / 1e3:,.0f} ms"),
        ("redis-cli --memkeys: wall, Redis command time",
         lambda r, k: f"{t(r, k, 'memkeys')['wall_s']:.1f} s, "
                      f"{t(r, k, 'memkeys')['redis_usec'] / 1e3:,.0f} ms"),
        ("**ratio** daemon / exporter, Redis time per second",
         lambda r, k: f"{t(r, k, 'daemon')['redis_share'] / t(r, k, 'exporter')['redis_share']:.3f}"),
        ("**ratio** daemon first cycle / one exporter scrape, Redis command time",
         lambda r, k: f"{t(r, k, 'daemon')['redis_usec'] / per_scrape(r, k):.2f}"),
        ("**ratio** doctor / bigkeys, Redis command time",
         lambda r, k: f"{t(r, k, 'doctor')['redis_usec'] / t(r, k, 'bigkeys')['redis_usec']:.3f}"),
        ("**ratio** doctor / memkeys, Redis command time",
         lambda r, k: f"{t(r, k, 'doctor')['redis_usec'] / t(r, k, 'memkeys')['redis_usec']:.3f}"),
    ]
    keys = runs[0]["sizes_keys"]
    runs_label = " / ".join(f"run {i + 1}" for i in range(len(runs)))
    lines = [f"| figure ({runs_label}) | " + " | ".join(f"{k:,} keys" for k in keys) + " |",
             "|---" * (len(keys) + 1) + "|"]
    for label, f in rows:
        lines.append(f"| {label} | " + " | ".join(" / ".join(f(r, k) for r in runs)
                                                 for k in keys) + " |")
    return "\n".join(lines) + "\n"


def run_size(keys, opts, work):
    size = {"keys": keys, "scrape_interval": opts["scrape_interval"], "tools": {}}
    port = b.free_ports(1)[0]
    proc = b.start_redis(port, work, ["--enable-debug-command", "local"])
    try:
        b.wait_redis(port, proc)
        conn = b.Resp(port, timeout=900)
        conn.call("CONFIG", "SET", "latency-monitor-threshold", 1)
        t0 = time.monotonic()
        size["keys_with_ttl"] = populate(conn, keys)
        info = b.parse_info(conn.call("INFO", "memory"))
        size["populate_s"] = time.monotonic() - t0
        size["used_memory"] = int(info["used_memory"])
        size["dbsize"] = conn.call("DBSIZE")
        b.log(f"keyspace_cost: redis {port}, {size['dbsize']} keys, "
              f"{size['used_memory'] / 2**20:.0f} MiB, populated in {size['populate_s']:.1f} s")
        probe = PingProbe(port)
        time.sleep(opts["idle_s"])
        size["idle_ping"], size["idle_s"] = probe.stop(), opts["idle_s"]
        redis = {"port": port, "pid": proc.pid}
        for name in TOOLS:
            r = measure_tool(name, conn, redis, work, f"redis://127.0.0.1:{port}",
                             dict(opts, keys=keys))
            size["tools"][name] = r
            b.log(f"keyspace_cost: {keys} keys: {name}: answer in {r['answer_s']:.1f} s, wall "
                  f"{r['wall_s']:.1f} s, redis {r['redis_usec']} us "
                  f"({100 * r['redis_share']:.2f} %), longest {r['longest_command_ms']} ms, "
                  f"ping p99 {r['ping']['p99_ms']:.2f} ms; names coupon:gen "
                  f"{r['answer']['names_coupon_gen_without_ttl']}")
        conn.close()
    finally:
        b.stop(proc)
    return size


def main(out_path, md_path=None):
    sizes = [int(x) for x in (os.environ.get("BENCH_KEYS")
                              or ("20000" if b.smoke() else "100000,1000000")).split(",")]
    opts = {"idle_s": b.env_int("BENCH_IDLE", 5, 1),
            "scan_time": os.environ.get("BENCH_SCAN_TIME") or ("2s" if b.smoke() else "10s"),
            "scrape_interval": b.env_int("BENCH_SCRAPE_INTERVAL", 15, 2),
            "exporter_window": b.env_int("BENCH_EXPORTER_WINDOW", 60, 6)}
    work = b.tmpdir("bench-keyspace-cost-")
    res = {"sizes_keys": sizes, **opts, "machine_start": b.machine_info(),
           "redis": b.redis_version(), "exporter": b.exporter_version(),
           "memwatch": b.binary_info(b.memwatch_bin()), "commit": b.git_commit(), "sizes": []}
    t0 = time.monotonic()
    try:
        for keys in sizes:  # one after the other: never two at once
            res["sizes"].append(run_size(keys, opts, work))
        res["machine_end"] = b.machine_info()
        res["total_s"] = time.monotonic() - t0
    finally:
        b.stop_all()
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    b.write_json(out_path, res)
    md = markdown(res)
    if md_path:
        with open(md_path, "w") as f:
            f.write(md)
    print(md, file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--summary"]:  # keyspace_cost.py --summary RUN1.json [RUN2.json ...]
        print(summary([json.load(open(p)) for p in sys.argv[2:]]), end="")
        sys.exit(0)
    main(sys.argv[1] if len(sys.argv) > 1 else "/dev/stdout", sys.argv[2] if len(sys.argv) > 2 else None)
