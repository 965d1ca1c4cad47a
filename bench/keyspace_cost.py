"""Issue 16: what naming the prefixes that fill Redis costs, against the tools
people reach for, on one real redis-server holding the incident keyspace
(BENCH_KEYS, default 1,000,000: 80 % `cache:user:<n>` with a TTL, 20 %
`coupon:gen:<n>` without; DEBUG POPULATE, then EXPIRE in Lua chunks).

Tools, one after another on the same Redis, each after LATENCY RESET and
CONFIG RESETSTAT:
- ours: `redis-memwatch doctor URL --scan-time BENCH_SCAN_TIME --format json`
  (bounded sample: paced to <= 1 % of Redis command time, <= 2,000 keys/s);
- `redis-cli --bigkeys` and `redis-cli --memkeys` (every key, full speed);
- redis_exporter with `-check-key-groups` (started, then ONE /metrics scrape
  timed; it runs MEMORY USAGE on every key in Lua batches on each scrape).

Per tool: Redis command time (sum of usec over cmdstat_*, read in one INFO
after the tool; CONFIG RESETSTAT and LATENCY RESET left out, the probe's
PINGs subtracted pro rata; SCAN and MEMORY USAGE called from the exporter's
Lua script counted once, within EVALSHA), wall time, Redis' command-thread share
(usec / wall), the longest single command Redis saw (LATENCY LATEST, event
"command", latency-monitor-threshold 1 ms: only >= 1 ms is visible), Redis
process CPU, the tool's own CPU and peak RSS (/usr/bin/time %U+%S and %M;
the exporter: schedstat CPU over the scrape, VmHWM with its start-up),
and the PING latency seen by another client while the tool runs (one
connection, a PING every 2 ms, p50/p99/max) against an idle window first.
And what each tool answers about the incident (does it name coupon:gen as the
prefix without TTL?).

Writes JSON to argv[1]; the Markdown table to argv[2] if given."""

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


def measure_tool(name, conn, redis, work, url, scan_time):
    """One tool, from RESETSTAT to its answer."""
    exporter = None
    if name == "exporter":
        exporter = run_exporter(work, redis["port"], name)
    conn.call("LATENCY", "RESET")
    conn.call("CONFIG", "RESETSTAT")
    r0 = b.cpu_seconds(redis["pid"])
    probe = PingProbe(redis["port"])
    out_file = os.path.join(work, f"{name}.out")
    if name == "ours":
        argv = [b.memwatch_bin(), "doctor", url, "--scan-time", scan_time, "--format", "json"]
        wall, rc, cpu, maxrss = run_with_rusage(argv, out_file)
    elif name in ("bigkeys", "memkeys"):
        argv = ["redis-cli", "-p", str(redis["port"]), f"--{name}"]
        wall, rc, cpu, maxrss = run_with_rusage(argv, out_file)
    else:
        proc, port, logf, argv = exporter
        c0, t0 = b.cpu_seconds(proc.pid), time.monotonic()
        status, body = b.http_get(port, "/metrics", timeout=600)
        wall = time.monotonic() - t0
        cpu, rc = b.cpu_seconds(proc.pid) - c0, status
        maxrss = int(b.status_field(proc.pid, "VmHWM").split()[0])
        with open(out_file, "wb") as f:
            f.write(body)
    ping = probe.stop()
    redis_cpu = b.cpu_seconds(redis["pid"]) - r0
    stats, longest = redis_side(conn, ping["pings"])
    if exporter:
        b.stop(exporter[0])
        exporter[2].close()
    text = open(out_file, errors="replace").read()
    answer = {"ours": answer_ours, "exporter": answer_exporter}.get(name, answer_cli)(text)
    # Commands called from a script are counted on their own AND within the
    # script's EVAL/EVALSHA time: the exporter's key-group script calls SCAN
    # and MEMORY USAGE (all its SCAN and MEMORY USAGE calls come from it).
    nested = ("scan", "memory|usage") if name == "exporter" else ()
    usec = sum(u for c, (_, u) in stats.items() if c not in nested)
    return {"nested_in_scripts": list(nested),"argv": argv, "exit": rc, "wall_s": wall, "tool_cpu_s": cpu, "tool_peak_rss_kib": maxrss,
            "redis_usec": usec, "redis_calls": sum(n for _, (n, _) in stats.items()),
            "redis_share": usec / 1e6 / wall, "redis_cpu_s": redis_cpu,
            "longest_command_ms": longest, "commands": stats, "ping": ping, "answer": answer}


TOOLS = ("ours", "bigkeys", "memkeys", "exporter")
LABEL = {"ours": "redis-memwatch doctor", "bigkeys": "redis-cli --bigkeys",
         "memkeys": "redis-cli --memkeys", "exporter": "redis_exporter -check-key-groups (1 scrape)"}


def markdown(res):
    t = res["tools"]
    rows = [
        ("wall time", lambda r: f"{r['wall_s']:.1f} s"),
        ("Redis command time (commandstats usec)", lambda r: f"{r['redis_usec'] / 1e3:.0f} ms"),
        ("Redis command-thread share (usec / wall)", lambda r: f"{100 * r['redis_share']:.2f} %"),
        ("commands Redis ran", lambda r: f"{r['redis_calls']:,}"),
        ("longest single command (LATENCY LATEST, >= 1 ms)",
         lambda r: f"{r['longest_command_ms']} ms" if r["longest_command_ms"] else "< 1 ms"),
        ("Redis process CPU", lambda r: f"{r['redis_cpu_s']:.2f} s"),
        ("tool CPU", lambda r: f"{r['tool_cpu_s']:.2f} s"),
        ("tool peak RSS", lambda r: f"{r['tool_peak_rss_kib'] / 1024:.1f} MiB"),
        ("PING p50 / p99 / max by another client",
         lambda r: f"{r['ping']['p50_ms']:.2f} / {r['ping']['p99_ms']:.2f} / {r['ping']['max_ms']:.1f} ms"),
    ]
    head = "| figure | " + " | ".join(LABEL[n] for n in TOOLS) + " |"
    lines = [head, "|---" * (len(TOOLS) + 1) + "|"]
    for label, fmt in rows:
        lines.append(f"| {label} | " + " | ".join(fmt(t[n]) for n in TOOLS) + " |")
    ans = {n: ("**yes**" if t[n]["answer"]["names_coupon_gen_without_ttl"] else "no") for n in TOOLS}
    lines.append("| names `coupon:gen:*` as the prefix without TTL | "
                 + " | ".join(ans[n] for n in TOOLS) + " |")
    lines.append("")
    lines.append("| ratio ours / anchor | vs bigkeys | vs memkeys | vs exporter scrape |")
    lines.append("|---|---|---|---|")
    o = t["ours"]
    for label, key in (("Redis command time", "redis_usec"), ("command-thread share", "redis_share"),
                       ("wall time", "wall_s"), ("tool CPU", "tool_cpu_s"),
                       ("tool peak RSS", "tool_peak_rss_kib")):
        cells = [f"{o[key] / t[n][key]:.3g}" if t[n][key] else "n/a" for n in TOOLS[1:]]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    i = res["idle_ping"]
    lines.append("")
    lines.append(f"Idle PING (no tool, {res['idle_s']} s): p50 {i['p50_ms']:.2f} ms, "
                 f"p99 {i['p99_ms']:.2f} ms, max {i['max_ms']:.1f} ms.")
    return "\n".join(lines) + "\n"


def main(out_path, md_path=None):
    keys = b.env_int("BENCH_KEYS", 1000000, 20000)
    idle_s = b.env_int("BENCH_IDLE", 5, 1)
    scan_time = os.environ.get("BENCH_SCAN_TIME") or ("2s" if b.smoke() else "10s")
    work = b.tmpdir("bench-keyspace-cost-")
    res = {"keys": keys, "scan_time": scan_time, "machine_start": b.machine_info(),
           "redis": b.redis_version(), "exporter": b.exporter_version(), "tools": {}}
    try:
        port = b.free_ports(1)[0]
        proc = b.start_redis(port, work, ["--enable-debug-command", "local"])
        b.wait_redis(port, proc)
        conn = b.Resp(port, timeout=600)
        conn.call("CONFIG", "SET", "latency-monitor-threshold", 1)
        t0 = time.monotonic()
        res["keys_with_ttl"] = populate(conn, keys)
        info = b.parse_info(conn.call("INFO", "memory"))
        res["populate_s"] = time.monotonic() - t0
        res["used_memory"] = int(info["used_memory"])
        res["dbsize"] = conn.call("DBSIZE")
        b.log(f"keyspace_cost: redis {port}, {res['dbsize']} keys, "
              f"{res['used_memory'] / 2**20:.0f} MiB, populated in {res['populate_s']:.1f} s")
        probe = PingProbe(port)
        time.sleep(idle_s)
        res["idle_ping"], res["idle_s"] = probe.stop(), idle_s
        redis = {"port": port, "pid": proc.pid}
        for name in TOOLS:
            r = measure_tool(name, conn, redis, work, f"redis://127.0.0.1:{port}", scan_time)
            res["tools"][name] = r
            b.log(f"keyspace_cost: {name}: wall {r['wall_s']:.1f} s, redis {r['redis_usec']} us "
                  f"({100 * r['redis_share']:.2f} %), longest {r['longest_command_ms']} ms, "
                  f"ping p99 {r['ping']['p99_ms']:.2f} ms; answer {r['answer']}")
        conn.close()
        res["machine_end"] = b.machine_info()
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
    main(sys.argv[1] if len(sys.argv) > 1 else "/dev/stdout", sys.argv[2] if len(sys.argv) > 2 else None)
