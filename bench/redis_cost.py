"""What watching costs Redis. One Redis with BENCH_KEYS keys; four
configurations: no monitor, redis-memwatch at 1 s, redis-memwatch at
250 ms (its fastest mode), redis_exporter scraped every 1 s.

1. Redis-side cost (first round only, BENCH_WINDOW seconds each, no
   benchmark running): INFO commandstats usec per poll / per scrape, and the
   Redis process's CPU (utime+stime from /proc) per second.
2. redis-benchmark SET/GET throughput, plain and pipelined (-P 16),
   BENCH_ROUNDS rounds, configurations rotated each round; the loss of each
   configuration is the median over rounds of 1 - rps / rps(no monitor of
   the same round).
Writes JSON to argv[1]."""

import csv
import io
import os
import shutil
import subprocess
import sys
import time

import benchlib as b

CONFIGS = ("none", "ours_1s", "ours_250ms", "exporter_1s")


class Monitor:
    def __init__(self, cfg, work, rport):
        self.cfg, self.daemon, self.loop = cfg, None, None
        if cfg.startswith("ours"):
            self.daemon = b.Memwatch(work, [("bench", rport)],
                                     interval="1s" if cfg == "ours_1s" else "250ms", tag=cfg)
            self.daemon.wait_ready()
        elif cfg == "exporter_1s":
            self.daemon = b.Exporter(work, rport)
            self.loop = b.ScrapeLoop(self.daemon.port)

    def events(self):
        """Polls or scrapes so far (ours: from its probe histogram)."""
        if self.loop:
            return self.loop.count
        if self.daemon:
            _, body = b.timed_scrape(self.daemon.port)
            for line in body.decode().splitlines():
                if line.startswith("redis_memwatch_probe_duration_seconds_count"):
                    return float(line.split()[-1])
        return 0

    def stop(self):
        if self.loop:
            self.loop.stop()
        if self.daemon:
            self.daemon.stop()


def benchmark(rport, pipeline, n):
    argv = [b.REDIS_BENCHMARK, "-h", "127.0.0.1", "-p", str(rport), "-t", "set,get", "-n", str(n),
            "-c", "50", "-r", "100000", "-P", str(pipeline), "--csv", "-q"]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=True,
                         preexec_fn=b._die_with_parent).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    return {r["test"]: float(r["rps"]) for r in rows}


def redis_side(mon, rport, redis_pid, window):
    b.redis_call(rport, "CONFIG", "RESETSTAT")
    e0, c0, t0 = mon.events(), b.cpu_seconds(redis_pid), time.monotonic()
    time.sleep(window)
    stats = b.commandstats(rport)
    e1, c1, wall = mon.events(), b.cpu_seconds(redis_pid), time.monotonic() - t0
    # Our own readings: CONFIG RESETSTAT (before) is not a monitor's.
    stats.pop("config|resetstat", None)
    events = max(e1 - e0, 0)
    total_usec = sum(u for _, u in stats.values())
    total_calls = sum(c for c, _ in stats.values())
    info_calls, info_usec = stats.get("info", (0, 0))
    return {
        "window_s": wall,
        "events": events,  # polls (ours) or scrapes (exporter)
        "commands": {k: {"calls": c, "usec": u} for k, (c, u) in sorted(stats.items())},
        "calls_per_event": total_calls / events if events else 0,
        "usec_per_event": total_usec / events if events else 0,
        "info_usec_per_call": info_usec / info_calls if info_calls else 0,
        "monitor_usec_per_s": total_usec / wall,
        "redis_cpu_ms_per_s": (c1 - c0) * 1e3 / wall,
    }


def main(out_path):
    keys = b.env_int("BENCH_KEYS", 100000, 1000)
    rounds = b.env_int("BENCH_ROUNDS", 5, 1)
    window = b.env_int("BENCH_WINDOW", 20, 1)
    n_plain = b.env_int("BENCH_N_PLAIN", 100000, 2000)
    n_pipe = b.env_int("BENCH_N_PIPELINED", 400000, 20000)
    work = b.tmpdir("bench-redis-cost-")
    res = {"keys": keys, "rounds": rounds, "window_s": window, "n_plain": n_plain,
           "n_pipelined": n_pipe, "side": {}, "rps": {c: [] for c in CONFIGS}}
    try:
        rport = b.free_ports(1)[0]
        redis = b.start_redis(rport, work, ["--enable-debug-command", "local"])
        b.wait_redis(rport, redis)
        b.redis_call(rport, "DEBUG", "POPULATE", keys)
        benchmark(rport, 16, n_pipe)  # warm-up: the -r keyspace exists from here on
        b.log(f"redis_cost: redis on {rport}, {keys} keys + benchmark keyspace")
        for rnd in range(rounds):
            order = CONFIGS[rnd % len(CONFIGS):] + CONFIGS[:rnd % len(CONFIGS)]
            for cfg in order:
                mon = Monitor(cfg, work, rport)
                try:
                    time.sleep(0.2 if b.smoke() else 1.0)
                    if rnd == 0:
                        res["side"][cfg] = redis_side(mon, rport, redis.pid, window)
                        b.log(f"redis_cost: {cfg}: {res['side'][cfg]}")
                    r = {}
                    for name, v in benchmark(rport, 1, n_plain).items():
                        r[f"{name}"] = v
                    for name, v in benchmark(rport, 16, n_pipe).items():
                        r[f"{name}_P16"] = v
                    res["rps"][cfg].append(r)
                    b.log(f"redis_cost: round {rnd + 1}/{rounds} {cfg}: {r}")
                finally:
                    mon.stop()
        tests = list(res["rps"]["none"][0].keys())
        res["median_rps"] = {c: {t: b.median([r[t] for r in res["rps"][c]]) for t in tests}
                             for c in CONFIGS}
        res["loss_pct"] = {}
        for c in CONFIGS[1:]:
            res["loss_pct"][c] = {
                t: b.median([100 * (1 - res["rps"][c][i][t] / res["rps"]["none"][i][t])
                             for i in range(rounds)]) for t in tests}
        res["none_spread_pct"] = {
            t: 100 * (max(r[t] for r in res["rps"]["none"]) - min(r[t] for r in res["rps"]["none"]))
            / res["median_rps"]["none"][t] for t in tests}
        base = res["side"]["none"]["redis_cpu_ms_per_s"]
        for c in CONFIGS[1:]:
            s = res["side"][c]
            s["redis_cpu_ms_per_s_over_none"] = s["redis_cpu_ms_per_s"] - base
            s["redis_thread_share_pct"] = s["monitor_usec_per_s"] / 1e4
        b.stop(redis)
    finally:
        b.stop_all()
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    b.write_json(out_path, res)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/dev/stdout")
