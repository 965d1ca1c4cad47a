"""1,000 targets at 1 s: BENCH_REAL_REDIS real redis-server processes
(--hz 1, no persistence) and the rest served by replay_server.py
(BENCH_REPLAY_PROCS processes, a real Redis 7.0 INFO capture). Measures over
a BENCH_WINDOW second window after BENCH_WARMUP seconds: daemon CPU
(scheduler time delta / wall), RSS (max of 1 s samples), full /metrics scrape time (one scrape every
BENCH_SCRAPE_EVERY s, included in the CPU), poll lag p50/p99 from the
redis_memwatch_poll_lag_seconds buckets (increase over the window), polls
per target. Writes JSON to argv[1]."""

import os
import re
import shutil
import sys
import time

import benchlib as b

# Kept here too: ab_many_targets.py imports it from this module.
start_replay = b.start_replay


def per_target_counts(text):
    out = {}
    for m in re.finditer(r'redis_memwatch_probe_duration_seconds_count\{target="([^"]+)"\} (\S+)',
                         text):
        out[m.group(1)] = float(m.group(2))
    return out


def count_value(text, pattern):
    return sum(float(m.group(1)) for m in re.finditer(pattern, text))


def main(out_path):
    total = b.env_int("BENCH_TARGETS", 1000, 10)
    real = min(total, b.env_int("BENCH_REAL_REDIS", 200, 3))
    warmup = b.env_int("BENCH_WARMUP", 15, 1)
    window = b.env_int("BENCH_WINDOW", 60, 4)
    scrape_every = b.env_int("BENCH_SCRAPE_EVERY", 5, 2)
    work = b.tmpdir("bench-many-")
    res = {"targets": total, "real_redis": real, "replayed": total - real, "warmup_s": warmup,
           "window_s": window}
    try:
        ports = b.free_ports(real)
        procs = [b.start_redis(p, work, ["--hz", "1"]) for p in ports]
        for p, proc in zip(ports, procs):
            b.wait_redis(p, proc, timeout=60)
        b.log(f"many_targets: {real} redis-server processes up")
        targets = [(f"redis-{i:04d}", p) for i, p in enumerate(ports)]
        replays = []
        if total > real:
            replays, rports = start_replay(work, total - real,
                                           b.env_int("BENCH_REPLAY_PROCS", 4, 1))
            targets += [(f"replay-{i:04d}", p) for i, p in enumerate(rports)]
            b.log(f"many_targets: {len(replays)} replay_server processes on {len(rports)} ports")

        t_start = time.monotonic()
        ours = b.Memwatch(work, targets, interval="1s", tag="memwatch-many")
        ours.wait_ready(timeout=90)
        res["ready_after_s"] = time.monotonic() - t_start
        # Targets that failed their first poll: they then back off with jitter,
        # which spreads their polls over the interval (and hides any burst).
        res["first_round_failures"] = open(ours.logpath).read().count(" is down: ")
        res["rss_ready_kib"] = b.rss_kib(ours.pid)
        time.sleep(warmup)

        _, body0 = b.timed_scrape(ours.port)
        text0 = body0.decode()
        c0, t0 = b.cpu_seconds(ours.pid), time.monotonic()
        w0 = b.runqueue_wait_seconds(ours.pid)
        replay_c0 = sum(b.cpu_seconds(r.pid) for r in replays)
        rss, scrape_s, sizes, scrape_cpu, scrape_wait = [], [], [], [], []
        next_scrape = t0 + scrape_every
        text1 = text0
        while time.monotonic() - t0 < window:
            rss.append(b.rss_kib(ours.pid))
            if time.monotonic() >= next_scrape:
                sc0, sw0 = b.cpu_seconds(ours.pid), b.runqueue_wait_seconds(ours.pid)
                dt, body = b.timed_scrape(ours.port)
                # Whole daemon (its poll thread too) during the scrape: how much
                # of the wall time was CPU, and how much waiting for a CPU.
                scrape_cpu.append(b.cpu_seconds(ours.pid) - sc0)
                scrape_wait.append(b.runqueue_wait_seconds(ours.pid) - sw0)
                scrape_s.append(dt)
                sizes.append(len(body))
                next_scrape += scrape_every
            time.sleep(1.0)
        _, body1 = b.timed_scrape(ours.port)
        c1, wall = b.cpu_seconds(ours.pid), time.monotonic() - t0
        text1 = body1.decode()
        res["cpu_cores"] = (c1 - c0) / wall
        # Time the daemon's threads were runnable but had no CPU: the machine's
        # load, which delays polls whatever the daemon does.
        res["runqueue_wait_ms_per_s"] = (b.runqueue_wait_seconds(ours.pid) - w0) * 1e3 / wall
        res["replay_server_cpu_cores"] = (sum(b.cpu_seconds(r.pid) for r in replays)
                                          - replay_c0) / wall
        res["rss_max_kib"] = max(rss)
        res["rss_end_kib"] = rss[-1]
        res["rss_peak_hwm_kib"] = int(b.status_field(ours.pid, "VmHWM").split()[0])
        res["threads"] = int(b.status_field(ours.pid, "Threads"))
        res["scrape_ms"] = {"median": b.median(scrape_s) * 1e3, "max": max(scrape_s) * 1e3,
                            "count": len(scrape_s)}
        slowest = scrape_s.index(max(scrape_s))
        res["scrape_daemon_cpu_ms"] = {"median": b.median(scrape_cpu) * 1e3,
                                       "at_slowest": scrape_cpu[slowest] * 1e3}
        res["scrape_daemon_runqueue_wait_ms"] = {"median": b.median(scrape_wait) * 1e3,
                                                 "at_slowest": scrape_wait[slowest] * 1e3}
        res["scrape_bytes"] = b.median(sizes) if sizes else len(body1)
        res["series"] = sum(1 for line in text1.splitlines() if line and line[0] != "#")

        lag0 = b.parse_histogram(text0, "redis_memwatch_poll_lag_seconds")
        lag1 = b.parse_histogram(text1, "redis_memwatch_poll_lag_seconds")
        res["poll_lag_p50_s"], polls = b.histogram_quantile(0.50, lag0, lag1)
        res["poll_lag_p99_s"], _ = b.histogram_quantile(0.99, lag0, lag1)
        res["poll_lag_p999_s"], _ = b.histogram_quantile(0.999, lag0, lag1)
        res["poll_lag_over_100ms_pct"] = 100 * (
            1 - (lag1.get(0.1, 0) - lag0.get(0.1, 0)) / polls) if polls else float("nan")
        res["polls_per_s"] = polls / wall
        n0, n1 = per_target_counts(text0), per_target_counts(text1)
        per = [n1.get(k, 0) - n0.get(k, 0) for k in n1]
        res["successful_polls_per_target"] = {"min": min(per), "median": b.median(per),
                                              "max": max(per)}
        # On time: at least one successful poll per interval, allowing one
        # slot lost at each edge of the window.
        res["targets_polled_on_time"] = sum(1 for x in per if x >= int(wall) - 1)
        res["targets_up"] = int(count_value(text1, r'\nredis_up\{[^}]*\} (1)'))
        errs0 = count_value(text0, r'\nredis_memwatch_poll_errors_total\{[^}]*\} (\S+)')
        errs1 = count_value(text1, r'\nredis_memwatch_poll_errors_total\{[^}]*\} (\S+)')
        res["poll_errors_in_window"] = errs1 - errs0
        # The status page of every target: the CPU of the HTTP workers (the
        # threads that render and send it) per GET, sequential, nothing else
        # served meanwhile.
        for path, key in (("/", "status_page"), ("/api/v1/status", "status_json")):
            cpu_ms, wall_ms, size = [], [], 0
            for _ in range(b.env_int("BENCH_PAGES", 10, 2)):
                w0, tp = b.thread_cpu_seconds(ours.pid, "http-write"), time.monotonic()
                status, body = b.http_get(ours.port, path)
                wall_ms.append((time.monotonic() - tp) * 1e3)
                cpu_ms.append((b.thread_cpu_seconds(ours.pid, "http-write") - w0) * 1e3)
                size = len(body) if status == 200 else -1
            res[key] = {"cpu_ms_median": b.median(cpu_ms), "cpu_ms_max": max(cpu_ms),
                        "wall_ms_median": b.median(wall_ms), "bytes": size}
        b.log(f"many_targets: {res}")
        if os.environ.get("BENCH_HOLD_FOR_PROFILE"):
            b.log(f"holding {os.environ['BENCH_HOLD_FOR_PROFILE']} s: ours pid {ours.pid} port "
                  f"{ours.port}")
            time.sleep(int(os.environ["BENCH_HOLD_FOR_PROFILE"]))
        ours.stop()
    finally:
        b.stop_all()
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    b.write_json(out_path, res)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/dev/stdout")
