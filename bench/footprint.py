"""RSS, CPU per 1,000 scrapes and /metrics latency: redis-memwatch (1 s
polling) next to redis_exporter, side by side against one Redis holding
BENCH_KEYS keys. Scrapes alternate between the two, so load on the machine
hits both alike. Writes JSON to argv[1]."""

import os
import shutil
import sys
import time

import benchlib as b


def series_count(body):
    return sum(1 for line in body.decode(errors="replace").splitlines()
               if line and not line.startswith("#"))


def main(out_path):
    keys = b.env_int("BENCH_KEYS", 100000, 1000)
    scrapes = b.env_int("BENCH_SCRAPES", 1000, 50)
    runs = b.env_int("BENCH_RUNS", 3, 1)
    idle_s = b.env_int("BENCH_IDLE_SECONDS", 30, 2)
    work = b.tmpdir("bench-footprint-")
    res = {"keys": keys, "scrapes_per_run": scrapes, "runs": runs, "idle_seconds": idle_s}
    try:
        rport = b.free_ports(1)[0]
        redis = b.start_redis(rport, work, ["--enable-debug-command", "local"])
        b.wait_redis(rport, redis)
        b.redis_call(rport, "DEBUG", "POPULATE", keys)
        b.log(f"footprint: redis on {rport} with {keys} keys")

        ours = b.Memwatch(work, [("bench", rport)], interval="1s")
        ours.wait_ready()
        exp = b.Exporter(work, rport)
        time.sleep(1 if b.smoke() else 3)  # a few polls; both idle
        res["rss_start_kib"] = {"ours": b.rss_kib(ours.pid), "exporter": b.rss_kib(exp.pid)}
        res["mem_start_kib"] = {"ours": b.memory_kib(ours.pid), "exporter": b.memory_kib(exp.pid)}
        res["threads"] = {"ours": int(b.status_field(ours.pid, "Threads")),
                          "exporter": int(b.status_field(exp.pid, "Threads"))}
        b.log(f"footprint: RSS at start {res['rss_start_kib']}")

        _, body_o = b.timed_scrape(ours.port)
        _, body_e = b.timed_scrape(exp.port)
        res["body_bytes"] = {"ours": len(body_o), "exporter": len(body_e)}
        res["series"] = {"ours": series_count(body_o), "exporter": series_count(body_e)}
        for _ in range(9):  # warm-up, not timed
            b.timed_scrape(ours.port)
            b.timed_scrape(exp.port)

        per_run = []
        for run in range(runs):
            lat = {"ours": [], "exporter": []}
            c0 = {"ours": b.cpu_seconds(ours.pid), "exporter": b.cpu_seconds(exp.pid)}
            w0 = {"ours": b.runqueue_wait_seconds(ours.pid),
                  "exporter": b.runqueue_wait_seconds(exp.pid)}
            t0 = time.monotonic()
            for i in range(scrapes):
                order = (("ours", ours), ("exporter", exp)) if i % 2 == 0 else \
                        (("exporter", exp), ("ours", ours))
                for name, d in order:
                    dt, _ = b.timed_scrape(d.port)
                    lat[name].append(dt)
            wall = time.monotonic() - t0
            c1 = {"ours": b.cpu_seconds(ours.pid), "exporter": b.cpu_seconds(exp.pid)}
            r = {"wall_s": wall}
            for name, d in (("ours", ours), ("exporter", exp)):
                r[name] = {
                    "cpu_s_per_1000": (c1[name] - c0[name]) * 1000 / scrapes,
                    "p50_ms": b.percentile(lat[name], 50) * 1e3,
                    "p99_ms": b.percentile(lat[name], 99) * 1e3,
                    "max_ms": max(lat[name]) * 1e3,
                    # Runnable but not running: the machine's load, not our code.
                    "runqueue_wait_ms_per_scrape":
                        (b.runqueue_wait_seconds(d.pid) - w0[name]) * 1e3 / scrapes,
                }
            r["rss_after_kib"] = {"ours": b.rss_kib(ours.pid), "exporter": b.rss_kib(exp.pid)}
            r["mem_after_kib"] = {"ours": b.memory_kib(ours.pid),
                                  "exporter": b.memory_kib(exp.pid)}
            per_run.append(r)
            b.log(f"footprint: run {run + 1}/{runs}: {r}")
        res["runs_detail"] = per_run
        res["rss_after_1000_kib"] = per_run[0]["rss_after_kib"]
        res["mem_after_1000_kib"] = per_run[0]["mem_after_kib"]
        res["rss_after_all_kib"] = per_run[-1]["rss_after_kib"]
        res["rss_peak_kib"] = {"ours": int(b.status_field(ours.pid, "VmHWM").split()[0]),
                               "exporter": int(b.status_field(exp.pid, "VmHWM").split()[0])}
        for key in ("cpu_s_per_1000", "p50_ms", "p99_ms"):
            res[key] = {n: b.median([r[n][key] for r in per_run]) for n in ("ours", "exporter")}

        # Idle: no scrapes. Our cost is polling (plus timers); the exporter's
        # is its runtime alone.
        c0 = {"ours": b.cpu_seconds(ours.pid), "exporter": b.cpu_seconds(exp.pid)}
        t0 = time.monotonic()
        time.sleep(idle_s)
        wall = time.monotonic() - t0
        res["idle_cpu_ms_per_s"] = {
            "ours": (b.cpu_seconds(ours.pid) - c0["ours"]) * 1e3 / wall,
            "exporter": (b.cpu_seconds(exp.pid) - c0["exporter"]) * 1e3 / wall}
        # At Prometheus' default 15 s scrape interval each scrape of ours also
        # pays for 15 polls; the exporter's cost is its scrape plus idle time.
        scrape_only = {}
        for n in ("ours", "exporter"):
            runs_cost = [(r[n]["cpu_s_per_1000"] / 1000) -
                         res["idle_cpu_ms_per_s"][n] / 1e3 * r["wall_s"] / scrapes
                         for r in per_run]
            scrape_only[n] = max(0.0, b.median(runs_cost))
        res["cpu_ms_per_scrape_excl_idle"] = {n: v * 1e3 for n, v in scrape_only.items()}
        res["cpu_s_per_1000_at_15s"] = {
            n: (scrape_only[n] + 15 * res["idle_cpu_ms_per_s"][n] / 1e3) * 1000
            for n in ("ours", "exporter")}
        res["rss_end_kib"] = {"ours": b.rss_kib(ours.pid), "exporter": b.rss_kib(exp.pid)}
        b.log(f"footprint: idle {res['idle_cpu_ms_per_s']} ms/s")
        res["pids"] = {"ours": ours.pid, "exporter": exp.pid}
        if os.environ.get("BENCH_HOLD_FOR_PROFILE"):
            # Leave both running for an attached profiler; bounded.
            b.log(f"holding {os.environ['BENCH_HOLD_FOR_PROFILE']} s: ours pid {ours.pid} port "
                  f"{ours.port}, exporter pid {exp.pid} port {exp.port}")
            time.sleep(int(os.environ["BENCH_HOLD_FOR_PROFILE"]))
        exp.stop()
        ours.stop()
        b.stop(redis)
    finally:
        b.stop_all()
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    b.write_json(out_path, res)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/dev/stdout")
