"""What serving scrapes costs: redis-memwatch next to redis_exporter against
the same Redis, in one run. BENCH_HTTP_SCRAPES scrapes of each, alternating
between the two (a new connection each, as Prometheus opens when the server
closes it), then for each process its anonymous memory (`Anonymous:` of
/proc/PID/smaps_rollup: heap, thread stacks, what grows with work) and the
CPU time those scrapes took (utime+stime from /proc/PID/stat, the delta
over the scrapes; ours includes its 1 s polling meanwhile). Writes JSON to
argv[1]."""

import os
import shutil
import sys
import time

import benchlib as b


def anon_breakdown_kib(pid):
    """Our anonymous memory by kind of mapping, from /proc/PID/smaps: the
    main arena's heap, other malloc arenas (64 MiB-aligned reservations),
    thread stacks (read-write right after a small inaccessible guard:
    glibc's 8 MiB default, CivetWeb's 100 KiB), the main stack, written
    pages of libraries, and the rest (e.g. libraries' .bss)."""
    out = {}
    kind = None
    prev = None  # (end address, perms, size KiB, path) of the mapping before
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            parts = line.split()
            if "-" in parts[0] and len(parts) >= 5 and ":" in parts[3]:
                lo, hi = (int(x, 16) for x in parts[0].split("-"))
                perms = parts[1]
                size_kib = (hi - lo) // 1024
                path = parts[5] if len(parts) > 5 else ""
                if path == "[heap]":
                    kind = "heap"
                elif path == "[stack]":
                    kind = "main stack"
                elif path.startswith("/"):
                    kind = "libraries"
                elif path:
                    kind = "other"
                elif size_kib <= 65536 and lo % (64 << 20) == 0:
                    kind = "malloc arenas"
                elif (prev and prev[0] == lo and prev[1] == "---p" and prev[2] <= 64
                      and not prev[3] and perms == "rw-p"):
                    kind = "thread stacks"
                else:
                    kind = "other anonymous"
                prev = (hi, perms, size_kib, path)
            elif parts[0] == "Anonymous:" and kind:
                out[kind] = out.get(kind, 0) + int(parts[1])
    return out


def anonymous_kib(pid):
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Anonymous:"):
                return int(line.split()[1])
    return 0


def main(out_path):
    keys = b.env_int("BENCH_KEYS", 100000, 1000)
    scrapes = b.env_int("BENCH_HTTP_SCRAPES", 300, 30)
    work = b.tmpdir("bench-scrape-cost-")
    res = {"keys": keys, "scrapes": scrapes, "load_at_start": b.machine_info()["loadavg"]}
    try:
        rport = b.free_ports(1)[0]
        redis = b.start_redis(rport, work, ["--enable-debug-command", "local"])
        b.wait_redis(rport, redis)
        b.redis_call(rport, "DEBUG", "POPULATE", keys)
        b.log(f"scrape_cost: redis on {rport} with {keys} keys")

        ours = b.Memwatch(work, [("bench", rport)], interval="1s")
        ours.wait_ready()
        exp = b.Exporter(work, rport)
        time.sleep(1 if b.smoke() else 3)  # a few polls; both idle
        procs = (("ours", ours), ("exporter", exp))
        res["anonymous_start_kib"] = {n: anonymous_kib(d.pid) for n, d in procs}
        res["ours_breakdown_start_kib"] = anon_breakdown_kib(ours.pid)

        cpu0 = {n: b.cpu_seconds_stat(d.pid) for n, d in procs}
        sched0 = {n: b.cpu_seconds(d.pid) for n, d in procs}
        lat = {"ours": [], "exporter": []}
        body = {}
        t0 = time.monotonic()
        for i in range(scrapes):
            for name, d in (procs if i % 2 == 0 else procs[::-1]):
                dt, data = b.timed_scrape(d.port)
                lat[name].append(dt)
                body[name] = len(data)
        res["wall_s"] = time.monotonic() - t0
        res["cpu_s"] = {n: b.cpu_seconds_stat(d.pid) - cpu0[n] for n, d in procs}
        res["sched_cpu_s"] = {n: b.cpu_seconds(d.pid) - sched0[n] for n, d in procs}
        res["anonymous_kib"] = {n: anonymous_kib(d.pid) for n, d in procs}
        res["rss_kib"] = {n: b.rss_kib(d.pid) for n, d in procs}
        res["threads"] = {n: int(b.status_field(d.pid, "Threads")) for n, d in procs}
        res["ours_breakdown_kib"] = anon_breakdown_kib(ours.pid)
        res["body_bytes"] = body
        res["p50_ms"] = {n: b.percentile(v, 50) * 1e3 for n, v in lat.items()}
        res["p99_ms"] = {n: b.percentile(v, 99) * 1e3 for n, v in lat.items()}
        res["load_at_end"] = b.machine_info()["loadavg"]
        b.log(f"scrape_cost: {res}")
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
