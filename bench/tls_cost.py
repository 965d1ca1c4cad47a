"""What TLS costs, against plain TCP, on the same Redis in one run. One
redis-server listens on a plain port and a TLS port (server-authenticated
TLS, as managed services offer it; certificates from tests/tls/make_certs.sh,
P-256). Five configurations, each for BENCH_WINDOW seconds, BENCH_ROUNDS
rounds, rotated each round: no monitor; redis-memwatch polling every 250 ms
over TCP and over TLS; redis_exporter scraped every 250 ms over TCP and over
TLS (its rediss:// with -tls-ca-cert-file).

Per poll (ours) or scrape (the exporter's "poll"), median over rounds:
- the monitor's CPU (scheduler time of all its threads);
- Redis' command time (INFO commandstats usec: the commands themselves,
  not the TLS work around them);
- Redis' process CPU over the no-monitor baseline (this one includes the
  handshakes, encryption and decryption);
- connections Redis accepted (total_connections_received);
- ours only: the mean poll duration (its probe histogram).
Writes JSON to argv[1]."""

import os
import shutil
import subprocess
import sys
import time

import benchlib as b

CONFIGS = ("none", "ours_tcp", "ours_tls", "exporter_tcp", "exporter_tls")
PERIOD_S = 0.25


class Monitor:
    def __init__(self, cfg, work, ports, ca_file):
        self.cfg, self.daemon, self.loop = cfg, None, None
        tls = cfg.endswith("_tls")
        if cfg.startswith("ours"):
            target = (("bench", f"rediss://127.0.0.1:{ports['tls']}", ca_file) if tls
                      else ("bench", ports["tcp"]))
            self.daemon = b.Memwatch(work, [target], interval="250ms", tag=cfg)
            self.daemon.wait_ready()
        elif cfg.startswith("exporter"):
            self.daemon = b.Exporter(work, ports["tls" if tls else "tcp"], tag=cfg,
                                     tls_ca_file=ca_file if tls else None)
            self.loop = b.ScrapeLoop(self.daemon.port, PERIOD_S)

    def reading(self):
        """(events so far, our probe duration sum in seconds)."""
        if self.loop:
            return self.loop.count, 0.0
        if not self.daemon:
            return 0, 0.0
        _, body = b.timed_scrape(self.daemon.port)
        count = total = 0.0
        for line in body.decode().splitlines():
            if line.startswith("redis_memwatch_probe_duration_seconds_count"):
                count = float(line.split()[-1])
            elif line.startswith("redis_memwatch_probe_duration_seconds_sum"):
                total = float(line.split()[-1])
        return count, total

    def cpu(self):
        return b.cpu_seconds(self.daemon.pid) if self.daemon else 0.0

    def stop(self):
        if self.loop:
            self.loop.stop()
        if self.daemon:
            self.daemon.stop()


def stats_since_reset(conn):
    """({command: (calls, usec)}, connections accepted) since CONFIG
    RESETSTAT, read in one INFO call (which does not count itself)."""
    info = b.parse_info(conn.call("INFO", "stats", "commandstats"))
    out = {}
    for k, v in info.items():
        if k.startswith("cmdstat_"):
            f = dict(x.split("=", 1) for x in v.split(","))
            out[k[len("cmdstat_"):]] = (int(f["calls"]), int(f["usec"]))
    return out, int(info["total_connections_received"])


def measure(mon, conn, redis_pid, window):
    """One window of one configuration. `conn` is the bench's own persistent
    connection to the plain port: its commands are left out of the figures."""
    conn.call("CONFIG", "RESETSTAT")
    (e0, d0), c0, r0, t0 = mon.reading(), mon.cpu(), b.cpu_seconds(redis_pid), time.monotonic()
    time.sleep(window)
    # CPU first: the scrape that reads the poll count is not the monitor's work.
    c1, r1 = mon.cpu(), b.cpu_seconds(redis_pid)
    e1, d1 = mon.reading()
    wall = time.monotonic() - t0
    stats, accepted = stats_since_reset(conn)
    stats.pop("config|resetstat", None)
    events = max(e1 - e0, 0)
    usec = sum(u for _, u in stats.values())
    per = (lambda x: x / events) if events else (lambda x: 0.0)
    return {
        "window_s": wall,
        "events": events,
        "events_per_s": events / wall,
        "monitor_cpu_us_per_event": per((c1 - c0) * 1e6),
        "redis_command_us_per_event": per(usec),
        "redis_calls_per_event": per(sum(c for c, _ in stats.values())),
        "redis_cpu_ms_per_s": (r1 - r0) * 1e3 / wall,
        # The bench's own calls use one connection opened before.
        "connections_per_event": per(accepted),
        "poll_ms_mean": per((d1 - d0) * 1e3),
    }


def start_redis(work, ports, certs):
    extra = ["--tls-port", str(ports["tls"]),
             "--tls-cert-file", f"{certs}/server.crt", "--tls-key-file", f"{certs}/server.key",
             "--tls-ca-cert-file", f"{certs}/ca.crt", "--tls-auth-clients", "no"]
    redis = b.start_redis(ports["tcp"], work, ["--enable-debug-command", "local", *extra])
    b.wait_redis(ports["tcp"], redis)
    return redis


def main(out_path):
    rounds = b.env_int("BENCH_ROUNDS", 3, 1)
    window = b.env_int("BENCH_WINDOW", 20, 2)
    keys = b.env_int("BENCH_KEYS", 100000, 1000)
    work = b.tmpdir("bench-tls-cost-")
    certs = os.path.join(work, "certs")
    res = {"rounds": rounds, "window_s": window, "period_s": PERIOD_S, "keys": keys,
           "runs": {c: [] for c in CONFIGS}}
    try:
        subprocess.run(["bash", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                             "tests", "tls", "make_certs.sh"), certs],
                       check=True, capture_output=True, timeout=60)
        tcp, tls = b.free_ports(2)
        ports = {"tcp": tcp, "tls": tls}
        redis = start_redis(work, ports, certs)
        conn = b.Resp(tcp)
        conn.call("DEBUG", "POPULATE", keys)
        b.log(f"tls_cost: redis tcp {tcp} tls {tls}")
        for rnd in range(rounds):
            order = CONFIGS[rnd % len(CONFIGS):] + CONFIGS[:rnd % len(CONFIGS)]
            for cfg in order:
                mon = Monitor(cfg, work, ports, f"{certs}/ca.crt")
                try:
                    time.sleep(0.3 if b.smoke() else 1.0)  # past start-up and the first polls
                    r = measure(mon, conn, redis.pid, window)
                    res["runs"][cfg].append(r)
                    b.log(f"tls_cost: round {rnd + 1}/{rounds} {cfg}: {r}")
                finally:
                    mon.stop()
        conn.close()
        base = b.median([r["redis_cpu_ms_per_s"] for r in res["runs"]["none"]])
        res["median"] = {}
        for cfg in CONFIGS:
            runs = res["runs"][cfg]
            m = {k: b.median([r[k] for r in runs]) for k in runs[0]}
            if cfg != "none" and m["events_per_s"]:
                over = [(r["redis_cpu_ms_per_s"] - base) * 1e3 / r["events_per_s"]
                        for r in runs if r["events_per_s"]]
                m["redis_cpu_us_per_event_over_none"] = b.median(over)
            res["median"][cfg] = m
        b.stop(redis)
    finally:
        b.stop_all()
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    b.write_json(out_path, res)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/dev/stdout")
