"""A/B of several redis-memwatch binaries at many targets, run at the same
time against the same targets, so a busy machine slows them alike (use it
to check a fix before and after). Same setup as many_targets.py.

  ab_many_targets.py OUT.json NAME=BINARY[:ENV=V,ENV2=V2] NAME2=BINARY2 ...

ENV pairs after ':' go to that daemon only (e.g.
GLIBC_TUNABLES=glibc.malloc.mmap_threshold=262144). Knobs: BENCH_TARGETS,
BENCH_REAL_REDIS, BENCH_WARMUP, BENCH_WINDOW, BENCH_SCRAPE_EVERY."""

import os
import shutil
import sys
import time

import benchlib as b
from many_targets import per_target_counts, start_replay


def main(out_path, specs):
    total = b.env_int("BENCH_TARGETS", 1000, 10)
    real = min(total, b.env_int("BENCH_REAL_REDIS", 200, 3))
    warmup = b.env_int("BENCH_WARMUP", 15, 3)
    window = b.env_int("BENCH_WINDOW", 60, 5)
    scrape_every = b.env_int("BENCH_SCRAPE_EVERY", 5, 2)
    work = b.tmpdir("bench-ab-")
    res = {"targets": total, "real_redis": real, "window_s": window, "variants": {}}
    try:
        ports = b.free_ports(real)
        procs = [b.start_redis(p, work, ["--hz", "1", "--maxclients", "10000"]) for p in ports]
        for p, proc in zip(ports, procs):
            b.wait_redis(p, proc, timeout=60)
        targets = [(f"redis-{i:04d}", p) for i, p in enumerate(ports)]
        if total > real:
            _, rports = start_replay(work, total - real, b.env_int("BENCH_REPLAY_PROCS", 4, 1))
            targets += [(f"replay-{i:04d}", p) for i, p in enumerate(rports)]
        daemons = {}
        for spec in specs:
            name, _, rest = spec.partition("=")
            binary, _, envs = rest.partition(":")
            os.environ["MEMWATCH_BIN"] = binary
            os.environ["BENCH_DAEMON_ENV"] = " ".join(envs.split(",")) if envs else ""
            daemons[name] = b.Memwatch(work, targets, interval="1s", tag=f"ab-{name}")
        for d in daemons.values():
            d.wait_ready(timeout=90)
        time.sleep(warmup)
        text0, c0, rss, scr = {}, {}, {}, {}
        for n, d in daemons.items():
            text0[n] = b.timed_scrape(d.port)[1].decode()
            c0[n] = b.cpu_seconds(d.pid)
            rss[n], scr[n] = [], []
        t0 = time.monotonic()
        next_scrape = t0 + scrape_every
        rnd = 0
        while time.monotonic() - t0 < window:
            for n, d in daemons.items():
                rss[n].append(b.rss_kib(d.pid))
            if time.monotonic() >= next_scrape:
                names = list(daemons)
                names = names[rnd % len(names):] + names[:rnd % len(names)]  # rotate order
                for n in names:
                    scr[n].append(b.timed_scrape(daemons[n].port)[0])
                rnd += 1
                next_scrape += scrape_every
            time.sleep(1.0)
        wall = time.monotonic() - t0
        for n, d in daemons.items():
            text1 = b.timed_scrape(d.port)[1].decode()
            lag0 = b.parse_histogram(text0[n], "redis_memwatch_poll_lag_seconds")
            lag1 = b.parse_histogram(text1, "redis_memwatch_poll_lag_seconds")
            p99, polls = b.histogram_quantile(0.99, lag0, lag1)
            n0, n1 = per_target_counts(text0[n]), per_target_counts(text1)
            per = [n1.get(k, 0) - n0.get(k, 0) for k in n1]
            res["variants"][n] = {
                "cpu_cores": (b.cpu_seconds(d.pid) - c0[n]) / wall,
                "rss_max_mib": max(rss[n]) / 1024,
                "rss_hwm_mib": int(b.status_field(d.pid, "VmHWM").split()[0]) / 1024,
                "scrape_ms_median": b.median(scr[n]) * 1e3,
                "scrape_ms_max": max(scr[n]) * 1e3,
                "poll_lag_p50_ms": b.histogram_quantile(0.5, lag0, lag1)[0] * 1e3,
                "poll_lag_p99_ms": p99 * 1e3,
                "polls_per_s": polls / wall,
                "min_polls_per_target": min(per),
            }
            res["variants"][n]["first_round_failures"] = open(d.logpath).read().count(" is down: ")
            b.log(f"ab: {n}: {res['variants'][n]}")
    finally:
        b.stop_all()
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    b.write_json(out_path, res)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
