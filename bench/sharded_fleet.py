"""10,000 targets at `interval: 10s` over 4 sharded daemons on this machine
(issue 15). Every target is a port of replay_server.py (a real Redis 7.0 INFO
capture, as the replayed part of many_targets.py), all of them in ONE file_sd
targets file that every daemon reads (`targets_files:`); each daemon has its
own `shard: {index: i, count: 4}`, ephemeral metrics port and state_dir, and
`keyspace: {enabled: false}` (the replay server answers no SCAN).

Warm-up, polled with a deadline (BENCH_WARMUP_DEADLINE s): until every
daemon's /metrics shows its whole hashmod share up (the first round) and each
target's second poll done (the phase it keeps from then on). Then a
BENCH_WINDOW (60 s) window, per daemon: CPU cores (scheduler time delta /
wall), RSS (max of 1 s samples), its target count, full /metrics scrape time
(one scrape of each daemon every BENCH_SCRAPE_EVERY s, the daemons a quarter
apart; median and max) and size, poll lag p50/p99
(redis_memwatch_poll_lag_seconds, increase over the window), successful polls
per target, and every target's last-success time in every scrape
(redis_memwatch_last_successful_poll_timestamp_seconds). Coverage: the union
of the daemons' targets is exactly the 10,000, no overlap, and each daemon
holds the targets Prometheus's hashmod assigns to its index. On time: every
target had a successful poll in every interval of the window (no target went
1.5 intervals without one, from the last-success times; when scrapes are not
more frequent than polls: polls >= whole intervals in the window, no poll
error, none started > 2.5 s late) and the fleet's lag p99 <= 100 ms.

Anchor: redis_exporter cannot poll 10,000 targets by itself; its multi-target
/scrape endpoint is what a Prometheus would call. After the daemons stop, one
exporter is scraped at /scrape?target=... for BENCH_EXPORTER_TARGETS (1,000)
of the targets, each every interval, for BENCH_EXPORTER_WINDOW (30 s): its
CPU, RSS, scrape latency; CPU x (targets / sample) is a linear extrapolation
to the fleet. BENCH_EXPORTER_TARGETS=0 skips it.

Other knobs: BENCH_FLEET_TARGETS (10000), BENCH_SHARDS (4),
BENCH_FLEET_INTERVAL (10, whole seconds), BENCH_FLEET_REPLAY_PROCS (8).
BENCH_SMOKE=1: 200 targets at 2 s, a 10 s window, 50 exporter targets for
5 s; about 20 s. Writes JSON to argv[1] and the markdown to stderr;
`sharded_fleet.py --summary RUN.json` prints the markdown of an earlier run."""


import concurrent.futures
import hashlib
import json
import math
import os
import re
import shutil
import sys
import threading
import time

import benchlib as b

def hashmod(name, count):
    """Prometheus's hashmod: bytes 8-15 of the name's MD5, big-endian, mod count."""
    return int.from_bytes(hashlib.md5(name.encode()).digest()[8:], "big") % count


def write_targets_file(path, targets):
    """targets: [(name, port)] as one file_sd JSON file, a group per target."""
    with open(path, "w") as f:
        json.dump([{"targets": [f"127.0.0.1:{port}"], "labels": {"name": name}}
                   for name, port in targets], f)


def write_fleet_config(path, work, index, count, targets_file, interval):
    state = os.path.join(work, f"state-{index}")
    os.makedirs(state, exist_ok=True)
    with open(path, "w") as f:
        f.write('listen: "127.0.0.1:0"\n'
                f"interval: {interval}s\ntimeout: 500ms\n"
                f"state_dir: {state}\n"
                "keyspace: {enabled: false}\n"
                f"shard: {{index: {index}, count: {count}}}\n"
                f"targets_files: [{targets_file}]\n")


def targets_of(text):
    return set(re.findall(r'\nredis_memwatch_target_info\{target="([^"]+)"', text))


def up_count(text):
    return len(re.findall(r'(?m)^redis_up\{[^}]*\} 1$', text))


def per_target_counts(text):
    return {m.group(1): float(m.group(2)) for m in re.finditer(
        r'\nredis_memwatch_probe_duration_seconds_count\{target="([^"]+)"\} (\S+)', text)}


def last_success(text):
    """{target: Unix time of its last successful poll}."""
    return {m.group(1): float(m.group(2)) for m in re.finditer(
        r'\nredis_memwatch_last_successful_poll_timestamp_seconds\{target="([^"]+)"\} (\S+)',
        text)}


def record_successes(seen, text):
    for target, ts in last_success(text).items():
        seen.setdefault(target, set()).add(ts)


def count_value(text, pattern):
    return sum(float(m.group(1)) for m in re.finditer(pattern, text))


def lag_summary(before, after):
    """Quantiles of the lag histogram's increase, and polls started > 2.5 s late."""
    p50, polls = b.histogram_quantile(0.50, before, after)
    p99, _ = b.histogram_quantile(0.99, before, after)
    p999, _ = b.histogram_quantile(0.999, before, after)
    inf, top = float("inf"), 2.5
    late = (after.get(inf, 0) - before.get(inf, 0)) - (after.get(top, 0) - before.get(top, 0))
    over_100ms = (after.get(inf, 0) - before.get(inf, 0)) - (after.get(0.1, 0) - before.get(0.1, 0))
    return {"p50_s": p50, "p99_s": p99, "p999_s": p999, "polls": polls,
            "over_100ms": over_100ms, "over_2_5s": late}


class Daemon:
    """One sharded daemon and what the window saw of it."""

    def __init__(self, work, index, count, targets_file, interval):
        config = os.path.join(work, f"memwatch-{index}.yml")
        write_fleet_config(config, work, index, count, targets_file, interval)
        self.index = index
        self.m = b.Memwatch(work, None, tag=f"memwatch-{index}", config=config)
        self.rss, self.scrape_s, self.sizes = [], [], []
        # Every last-success time seen in a scrape: scraped more often than
        # the interval, each successful poll of the window shows up at least once.
        self.seen = {}


def wait_steady(daemons, expected, deadline_s):
    """Polls each daemon's /metrics (every second, up to deadline_s) until
    all its targets are up (the first round complete) and each has had its
    second successful poll: after the first success a target's polls move to
    its phase (index * interval / count), a one-time gap of up to two
    intervals that is by design, not lateness. Returns ({index: s to all
    up}, {index: s to steady})."""
    t_start, up, steady = time.monotonic(), {}, {}
    while len(steady) < len(daemons):
        for d in daemons:
            if d.index in steady:
                continue
            if d.m.proc.poll() is not None:
                raise RuntimeError(f"daemon {d.index} exited with {d.m.proc.returncode}")
            try:
                _, body = b.timed_scrape(d.m.port)
            except OSError:
                continue
            text, now = body.decode(), time.monotonic() - t_start
            if d.index not in up and up_count(text) >= len(expected[d.index]):
                up[d.index] = now
                b.log(f"sharded_fleet: daemon {d.index}: its {len(expected[d.index])} targets "
                      f"up after {now:.1f} s")
            counts = per_target_counts(text)
            if d.index in up and all(counts.get(t, 0) >= 2 for t in expected[d.index]):
                steady[d.index] = now
                b.log(f"sharded_fleet: daemon {d.index}: second polls done after {now:.1f} s")
        if len(steady) < len(daemons):
            if time.monotonic() - t_start > deadline_s:
                raise RuntimeError(f"not steady after {deadline_s} s: all up {sorted(up)}, "
                                   f"second polls done {sorted(steady)}")
            time.sleep(1.0)
    return up, steady


def measure_fleet(daemons, replays, expected, window, scrape_every, interval):
    """The window: per-daemon figures, fleet lag, coverage. Returns a dict."""
    # Each poll's last-success time is seen only if every daemon is scraped
    # more often than it polls; else "every interval" falls back to counts.
    gaps_seen = scrape_every < interval
    text0, t0 = {}, {}
    for d in daemons:
        t0[d.index] = time.monotonic()
        _, body = b.timed_scrape(d.m.port)
        text0[d.index] = body.decode()
        record_successes(d.seen, text0[d.index])
    start = min(t0.values())
    cpu0 = {d.index: b.cpu_seconds(d.m.pid) for d in daemons}
    wait0 = {d.index: b.runqueue_wait_seconds(d.m.pid) for d in daemons}
    replay_c0 = sum(b.cpu_seconds(r.pid) for r in replays)
    # Each daemon is scraped every scrape_every s, the four a quarter apart
    # (as Prometheus spreads its targets); the last scrape closes its window.
    stride = scrape_every / len(daemons)
    plan = []  # (when, daemon, closes its window)
    for d in daemons:
        k = 1
        while d.index * stride + k * scrape_every < window - 0.5:
            plan.append((t0[d.index] + d.index * stride + k * scrape_every, d, False))
            k += 1
        plan.append((t0[d.index] + window, d, True))
    plan.sort(key=lambda x: x[0])
    text1, t1, t1_wall = {}, {}, {}
    next_rss = time.monotonic()
    while plan:
        now = time.monotonic()
        if now >= next_rss:
            for d in daemons:
                d.rss.append(b.rss_kib(d.m.pid))
            next_rss += 1.0
        when, d, last = plan[0]
        if now < when:
            time.sleep(max(0.0, min(when - now, next_rss - now, 0.25)))
            continue
        plan.pop(0)
        if last:
            t1[d.index], t1_wall[d.index] = time.monotonic(), time.time()
        dt, body = b.timed_scrape(d.m.port)
        d.scrape_s.append(dt)
        d.sizes.append(len(body))
        text = body.decode()
        record_successes(d.seen, text)
        if last:
            text1[d.index] = text
    wall = time.monotonic() - start
    replay_cores = (sum(b.cpu_seconds(r.pid) for r in replays) - replay_c0) / wall

    per_daemon, lag0_all, lag1_all, all_targets, overlap = [], {}, {}, set(), 0
    for d in daemons:
        i = d.index
        dwall = t1[i] - t0[i]
        names = targets_of(text1[i])
        overlap += len(all_targets & names)
        all_targets |= names
        lag0 = b.parse_histogram(text0[i], "redis_memwatch_poll_lag_seconds")
        lag1 = b.parse_histogram(text1[i], "redis_memwatch_poll_lag_seconds")
        for le, v in lag0.items():
            lag0_all[le] = lag0_all.get(le, 0) + v
        for le, v in lag1.items():
            lag1_all[le] = lag1_all.get(le, 0) + v
        n0, n1 = per_target_counts(text0[i]), per_target_counts(text1[i])
        polls = [n1.get(k, 0) - n0.get(k, 0) for k in names]
        slots = math.floor(dwall / interval)
        errs = (count_value(text1[i], r'\nredis_memwatch_poll_errors_total\{[^}]*\} (\S+)')
                - count_value(text0[i], r'\nredis_memwatch_poll_errors_total\{[^}]*\} (\S+)'))
        lag = lag_summary(lag0, lag1)
        # The longest time each target went without a successful poll: between
        # successive successes, and from the last one to the window's end (the
        # first is the last success before the window).
        gaps = []
        for k in names:
            ts = sorted(d.seen.get(k, ()))
            ts.append(max(t1_wall[i], ts[-1]) if ts else float("inf"))
            gaps.append(max((y - x for x, y in zip(ts, ts[1:])), default=float("inf")))
        gap_ok = sum(1 for g in gaps if g < 1.5 * interval)
        per_daemon.append({
            "index": i, "targets": len(names), "expected_targets": len(expected[i]),
            "hashmod_match": names == expected[i],
            "targets_up": up_count(text1[i]),
            "cpu_cores": (b.cpu_seconds(d.m.pid) - cpu0[i]) / wall,
            "runqueue_wait_ms_per_s": (b.runqueue_wait_seconds(d.m.pid) - wait0[i]) * 1e3 / wall,
            "rss_max_kib": max(d.rss), "rss_end_kib": d.rss[-1],
            "rss_hwm_kib": int(b.status_field(d.m.pid, "VmHWM").split()[0]),
            "threads": int(b.status_field(d.m.pid, "Threads")),
            "fds": len(os.listdir(f"/proc/{d.m.pid}/fd")),
            "scrape_ms": {"median": b.median(d.scrape_s) * 1e3, "max": max(d.scrape_s) * 1e3,
                          "count": len(d.scrape_s)},
            "scrape_bytes": b.median(d.sizes),
            "series": sum(1 for line in text1[i].splitlines() if line and line[0] != "#"),
            "window_s": dwall, "whole_intervals": slots,
            "successful_polls_per_target": {"min": min(polls), "median": b.median(polls),
                                            "max": max(polls)},
            "targets_with_enough_polls": sum(1 for x in polls if x >= slots),
            "max_gap_s": max(gaps), "max_gap_p99_s": b.percentile(gaps, 99),
            "targets_polled_every_interval": gap_ok if gaps_seen else None,
            "poll_errors_in_window": errs,
            "poll_lag": lag,
        })
    universe = set().union(*expected.values())
    fleet_lag = lag_summary(lag0_all, lag1_all)
    enough = sum(d["targets_with_enough_polls"] for d in per_daemon)
    late = fleet_lag["over_2_5s"]
    errs = sum(d["poll_errors_in_window"] for d in per_daemon)
    if gaps_seen:
        every = sum(d["targets_polled_every_interval"] for d in per_daemon)
    else:
        every = enough if errs == 0 and late == 0 else 0
    return {
        "window_s": wall, "replay_server_cpu_cores": replay_cores,
        "daemons": per_daemon,
        "coverage": {"union": len(all_targets), "overlap": overlap,
                     "missing": len(universe - all_targets), "extra": len(all_targets - universe),
                     "hashmod_match": all(d["hashmod_match"] for d in per_daemon)},
        "fleet_cpu_cores": sum(d["cpu_cores"] for d in per_daemon),
        "fleet_rss_max_kib": sum(d["rss_max_kib"] for d in per_daemon),
        "poll_lag": fleet_lag,
        "polls_per_s": fleet_lag["polls"] / wall,
        "every_interval_from": "gaps" if gaps_seen else "counts",
        "targets_polled_every_interval": every,
        "targets_with_enough_polls": enough,
        "max_gap_s": max(d["max_gap_s"] for d in per_daemon),
        "poll_errors_in_window": errs,
    }


def measure_exporter(work, ports, window, interval):
    """redis_exporter's /scrape?target= for each of `ports`, every `interval` s,
    spread evenly, for `window` s."""
    exp_port = b.free_ports(1, 32100, 32700)[0]
    logf = open(os.path.join(work, "exporter.log"), "w")
    proc = b.spawn([b.EXPORTER_BIN, "-redis.addr", "", "-web.listen-address",
                    f"127.0.0.1:{exp_port}"], stdout=logf, stderr=logf)
    b.wait_until(lambda: proc.poll() is None and _healthy(exp_port), 15, "redis_exporter /health")
    lat, failures, lock = [], [0], threading.Lock()

    def scrape(port):
        try:
            dt, body = b.timed_scrape(exp_port, f"/scrape?target=redis://127.0.0.1:{port}")
            ok = b"\nredis_up 1\n" in body
        except (OSError, RuntimeError):
            dt, ok = float("nan"), False
        with lock:
            if ok:
                lat.append(dt)
            else:
                failures[0] += 1

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=32)
    # One round first (connections, Go runtime warm), then the measured window.
    list(pool.map(scrape, ports))
    lat.clear()
    failures[0] = 0
    rss = []
    c0, w0, t0 = b.cpu_seconds(proc.pid), b.runqueue_wait_seconds(proc.pid), time.monotonic()
    step = interval / len(ports)
    k, next_rss, futures = 0, t0, []
    while True:
        now = time.monotonic()
        if now >= next_rss:
            rss.append(b.rss_kib(proc.pid))
            next_rss += 1.0
        due = t0 + k * step
        if due >= t0 + window:
            break
        if now >= due:
            futures.append(pool.submit(scrape, ports[k % len(ports)]))
            k += 1
            continue
        time.sleep(min(due - now, 0.01))
    concurrent.futures.wait(futures)
    wall = time.monotonic() - t0
    res = {"sample_targets": len(ports), "window_s": wall, "scrapes": k,
           "cpu_cores": (b.cpu_seconds(proc.pid) - c0) / wall,
           "runqueue_wait_ms_per_s": (b.runqueue_wait_seconds(proc.pid) - w0) * 1e3 / wall,
           "rss_max_kib": max(rss),
           "rss_hwm_kib": int(b.status_field(proc.pid, "VmHWM").split()[0]),
           "threads": int(b.status_field(proc.pid, "Threads")),
           "scrape_ms": {"median": b.median(lat) * 1e3, "p99": b.percentile(lat, 99) * 1e3,
                         "max": max(lat) * 1e3 if lat else float("nan")},
           "failures": failures[0], "version": b.exporter_version()}
    pool.shutdown()
    b.stop(proc)
    logf.close()
    return res


def _healthy(port):
    try:
        return b.http_get(port, "/health")[0] == 200
    except OSError:
        return False


def main(out_path):
    total = b.env_int("BENCH_FLEET_TARGETS", 10000, 200)
    interval = b.env_int("BENCH_FLEET_INTERVAL", 10, 2)
    shards = b.env_int("BENCH_SHARDS", 4)
    window = b.env_int("BENCH_WINDOW", 60, 10)
    scrape_every = b.env_int("BENCH_SCRAPE_EVERY", 5, 1)
    deadline = b.env_int("BENCH_WARMUP_DEADLINE", 120, 40)
    exp_targets = min(total, b.env_int("BENCH_EXPORTER_TARGETS", 1000, 50))
    exp_window = b.env_int("BENCH_EXPORTER_WINDOW", 30, 5)
    procs = b.env_int("BENCH_FLEET_REPLAY_PROCS", 8, 2)
    # Per replay process: a listener and the daemon's connection per port;
    # per daemon: its share of connections, plus slack for HTTP and files.
    need = max(2 * -(-total // procs), -(-total // shards)) + 1024
    nofile = b.raise_nofile(need)
    if nofile < need:
        sys.exit(f"sharded_fleet: RLIMIT_NOFILE hard limit {nofile} < {need} needed "
                 f"(raise it, or BENCH_REPLAY_PROCS)")
    work = b.tmpdir("bench-fleet-")
    res = {"targets": total, "shards": shards, "interval_s": interval, "window_s": window,
           "scrape_every_s": scrape_every, "replay_procs": procs, "nofile": nofile,
           "load_at_start": open("/proc/loadavg").read().split()[:3]}
    try:
        t = time.monotonic()
        replays, ports = b.start_replay(work, total, procs)
        res["replay_start_s"] = time.monotonic() - t
        b.log(f"sharded_fleet: {len(replays)} replay_server processes on {len(ports)} ports "
              f"in {res['replay_start_s']:.1f} s")
        targets = [(f"replay-{i:05d}", p) for i, p in enumerate(ports)]
        targets_file = os.path.join(work, "targets.json")
        write_targets_file(targets_file, targets)
        expected = {i: set() for i in range(shards)}
        for name, _ in targets:
            expected[hashmod(name, shards)].add(name)
        res["expected_per_shard"] = [len(expected[i]) for i in range(shards)]

        t = time.monotonic()
        daemons = [Daemon(work, i, shards, targets_file, interval) for i in range(shards)]
        res["first_round_s"], res["steady_s"] = wait_steady(daemons, expected, deadline)
        res["steady_after_s"] = time.monotonic() - t
        res["first_round_failures"] = [open(d.m.logpath).read().count(" is down: ")
                                       for d in daemons]
        res.update(measure_fleet(daemons, replays, expected, window, scrape_every, interval))
        res["load_at_end"] = open("/proc/loadavg").read().split()[:3]
        b.log(f"sharded_fleet: {json.dumps({k: v for k, v in res.items() if k != 'daemons'})}")
        for d in daemons:
            d.m.stop()
        if exp_targets > 0:
            step = max(1, total // exp_targets)
            sample = ports[::step][:exp_targets]
            res["exporter"] = measure_exporter(work, sample, exp_window, interval)
            res["exporter"]["cpu_cores_extrapolated"] = (res["exporter"]["cpu_cores"] * total
                                                         / len(sample))
            b.log(f"sharded_fleet: exporter {res['exporter']}")
        res["load_after_exporter"] = open("/proc/loadavg").read().split()[:3]
    finally:
        b.stop_all()
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    b.write_json(out_path, res)
    print(summary(res), file=sys.stderr)


def mib(kib):
    return kib / 1024


def summary(r, verdicts=True):
    """The run as markdown: a per-daemon table, the fleet's verdicts (unless
    `verdicts` is false: report.py has them in its own table), the anchor."""
    n = r["targets"]
    out = ["| daemon | targets | CPU | RSS max | /metrics scrape median / max | scrape size | "
           "series | polls per target (min / median / max) | longest without a successful poll | "
           "lag p50 / p99 | run-queue wait |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for d in r["daemons"]:
        p, lag = d["successful_polls_per_target"], d["poll_lag"]
        out.append(f"| {d['index']}/{r['shards']} | {d['targets']} | {d['cpu_cores']:.3f} cores | "
                   f"{mib(d['rss_max_kib']):.1f} MiB | {d['scrape_ms']['median']:.0f} / "
                   f"{d['scrape_ms']['max']:.0f} ms ({d['scrape_ms']['count']} scrapes) | "
                   f"{d['scrape_bytes'] / 2**20:.1f} MiB | {d['series']} | "
                   f"{p['min']:.0f} / {p['median']:.0f} / {p['max']:.0f} | "
                   f"{d['max_gap_s']:.2f} s | "
                   f"{lag['p50_s'] * 1e3:.1f} / {lag['p99_s'] * 1e3:.1f} ms | "
                   f"{d['runqueue_wait_ms_per_s']:.0f} ms/s |")
    c, lag = r["coverage"], r["poll_lag"]
    on_time = r["targets_polled_every_interval"] == n and lag["p99_s"] <= 0.1
    cover_ok = c["union"] == n and c["overlap"] == 0 and c["missing"] == 0 and c["extra"] == 0
    worst_scrape = max(d["scrape_ms"]["max"] for d in r["daemons"])
    verdict_rows = [
        "", f"| figure | target | redis-memwatch, {r['shards']} daemons | verdict |",
        "|---|---|---|---|",
        f"| coverage: union of the daemons' targets | all {n}, no overlap | {c['union']} "
        f"(overlap {c['overlap']}, missing {c['missing']}, extra {c['extra']}; each daemon "
        f"exactly its hashmod share: {'yes' if c['hashmod_match'] else 'NO'}) | "
        f"{'**met**' if cover_ok and c['hashmod_match'] else '**MISSED**'} |",
        f"| polled on time (a successful poll in every {r['interval_s']} s interval; lag p99 "
        f"<= 100 ms) | all, on time | {r['targets_polled_every_interval']}/{n} (from "
        f"{r['every_interval_from']}; longest without a successful poll {r['max_gap_s']:.2f} s; "
        f"{r['targets_with_enough_polls']}/{n} with >= one poll per whole interval of the "
        f"window); poll errors "
        f"{r['poll_errors_in_window']:.0f}; lag p50 {lag['p50_s'] * 1e3:.1f} ms, p99 "
        f"{lag['p99_s'] * 1e3:.1f} ms, p99.9 {lag['p999_s'] * 1e3:.1f} ms; polls > 100 ms late "
        f"{lag['over_100ms']:.0f}, > 2.5 s late {lag['over_2_5s']:.0f} | "
        f"{'**met**' if on_time else '**MISSED**'} |",
        f"| CPU, all daemons | (report) | {r['fleet_cpu_cores']:.3f} cores "
        f"({r['polls_per_s']:.0f} polls/s) | n/a |",
        f"| RSS, all daemons (sum of maxima) | (report) | "
        f"{mib(r['fleet_rss_max_kib']):.1f} MiB | n/a |",
        f"| full /metrics scrape, slowest of any daemon | (report; 1,000-target bar < 100 ms) | "
        f"{worst_scrape:.0f} ms | n/a |"]
    if verdicts:
        out += verdict_rows
    e = r.get("exporter")
    if e:
        out += ["", f"Anchor, redis_exporter {e['version']} multi-target `/scrape?target=` for "
                f"{e['sample_targets']} of the targets, each every {r['interval_s']} s, "
                f"{e['window_s']:.0f} s, after the daemons stopped:", "",
                "| figure | redis_exporter, sample | derived for the fleet | "
                "redis-memwatch fleet |",
                "|---|---|---|---|",
                f"| CPU | {e['cpu_cores']:.3f} cores "
                f"({e['scrapes'] / e['window_s']:.0f} scrapes/s) | "
                f"{e['cpu_cores_extrapolated']:.2f} cores for {n} (linear) | "
                f"{r['fleet_cpu_cores']:.3f} cores (ratio ours / exporter "
                f"{r['fleet_cpu_cores'] / e['cpu_cores_extrapolated']:.2f}) |",
                f"| RSS max | {mib(e['rss_max_kib']):.1f} MiB | (not extrapolated) | "
                f"{mib(r['fleet_rss_max_kib']):.1f} MiB |",
                f"| one target's scrape, median / p99 / max | {e['scrape_ms']['median']:.1f} / "
                f"{e['scrape_ms']['p99']:.1f} / {e['scrape_ms']['max']:.1f} ms; failures "
                f"{e['failures']} | | |"]
    out += ["", f"Details: {r['replay_procs']} replay_server processes (started in "
            f"{r['replay_start_s']:.1f} s; {r['replay_server_cpu_cores']:.3f} cores in the "
            f"window); "
            f"hashmod shares {r['expected_per_shard']}; every target up (first round) after "
            f"{', '.join(f'{v:.1f}' for _, v in sorted(r['first_round_s'].items()))} s per "
            f"daemon, second polls done (the window starts) after "
            f"{', '.join(f'{v:.1f}' for _, v in sorted(r['steady_s'].items()))} s; first-poll "
            f"failures {r['first_round_failures']}; window {r['window_s']:.1f} s; threads "
            f"{[d['threads'] for d in r['daemons']]}; descriptors "
            f"{[d['fds'] for d in r['daemons']]}; VmHWM "
            f"{[round(mib(d['rss_hwm_kib']), 1) for d in r['daemons']]} MiB; RLIMIT_NOFILE "
            f"{r['nofile']}; load average at start {' '.join(r['load_at_start'])}, at the end of "
            f"the window {' '.join(r['load_at_end'])}, after the exporter "
            f"{' '.join(r['load_after_exporter'])}"]
    return "\n".join(out)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--summary":
        print(summary(json.load(open(sys.argv[2]))))
    else:
        main(sys.argv[1] if len(sys.argv) > 1 else "/dev/stdout")
