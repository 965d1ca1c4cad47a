"""Turns the JSON of footprint.py, scrape_cost.py, redis_cost.py, many_targets.py,
tls_cost.py and sharded_fleet.py (in the directory argv[1]) into a summary table
against the issue's targets; prints it, and with --append FILE appends it as a dated section."""

import argparse
import json
import math
import os
import time

import benchlib as b
import sharded_fleet


def load(d, name):
    p = os.path.join(d, f"{name}.json")
    return json.load(open(p)) if os.path.exists(p) else None


def fmt(v, unit="", digits=2):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if isinstance(v, float):
        return f"{v:.{digits}f}{unit}"
    return f"{v}{unit}"


def mib(kib):
    return kib / 1024


class Table:
    def __init__(self):
        self.rows, self.met, self.missed = [], 0, 0

    def add(self, figure, target, ours, anchor, ratio, ok):
        if isinstance(ok, str):
            verdict = ok
        else:
            verdict = "n/a" if ok is None else ("**met**" if ok else "**MISSED**")
        if ok is True:
            self.met += 1
        elif ok is False:
            self.missed += 1
        self.rows.append(f"| {figure} | {target} | {ours} | {anchor} | {ratio} | {verdict} |")

    def markdown(self):
        head = ["| figure | target | redis-memwatch | redis_exporter (anchor) | ratio | verdict |",
                "|---|---|---|---|---|---|"]
        return "\n".join(head + self.rows)


def footprint_rows(t, f):
    for label, key in (("RSS after start", "rss_start_kib"),
                       ("RSS after 1,000 scrapes", "rss_after_1000_kib")):
        o, e = f[key]["ours"], f[key]["exporter"]
        t.add(label, "<= 1/3 of exporter", f"{mib(o):.2f} MiB", f"{mib(e):.2f} MiB",
              f"{o / e:.2f}", o / e <= 1 / 3)
    for label, key in (("  of which anonymous (after start)", "mem_start_kib"),
                       ("  of which anonymous (after 1,000 scrapes)", "mem_after_1000_kib")):
        o, e = f[key]["ours"]["anon"], f[key]["exporter"]["anon"]
        t.add(label, "(informative)", f"{mib(o):.2f} MiB", f"{mib(e):.2f} MiB", f"{o / e:.2f}",
              None)
    # USS: pages no other process shares (our heap and stacks, written data
    # of libraries); what the process itself costs, without the shared
    # libraries every dynamically linked program maps (bench/rss_floor.py).
    for label, key in (("  USS, private pages (after start)", "mem_start_kib"),
                       ("  USS, private pages (after 1,000 scrapes)", "mem_after_1000_kib")):
        o, e = f[key]["ours"]["uss"], f[key]["exporter"]["uss"]
        t.add(label, "(informative)", f"{mib(o):.2f} MiB", f"{mib(e):.2f} MiB", f"{o / e:.2f}",
              None)
    o, e = f["cpu_s_per_1000"]["ours"], f["cpu_s_per_1000"]["exporter"]
    t.add(f"CPU s per 1,000 scrapes, back to back (median of {f['runs']})", "<= 1/2 of exporter",
          fmt(o, " s"), fmt(e, " s"), f"{o / e:.2f}", o / e <= 0.5)
    o, e = f["cpu_s_per_1000_at_15s"]["ours"], f["cpu_s_per_1000_at_15s"]["exporter"]
    t.add("CPU s per 1,000 scrapes at a 15 s scrape interval (derived: scrape + 15 s idle)",
          "(informative; same 1/2 bar)", fmt(o, " s"), fmt(e, " s"), f"{o / e:.2f}", None)
    o, e = f["idle_cpu_ms_per_s"]["ours"], f["idle_cpu_ms_per_s"]["exporter"]
    t.add("Idle CPU, no scrapes (ours: 1 poll/s)", "(informative)", fmt(o, " ms/s", 3),
          fmt(e, " ms/s", 3), "n/a" if e == 0 else f"{o / e:.2f}", None)
    for q in ("p50", "p99"):
        o, e = f[f"{q}_ms"]["ours"], f[f"{q}_ms"]["exporter"]
        t.add(f"/metrics latency {q} (median of {f['runs']} runs)", "< exporter",
              fmt(o, " ms"), fmt(e, " ms"), f"{o / e:.2f}", o < e)


def scrape_rows(t, s):
    n = s["scrapes"]
    o, e = s["anonymous_kib"]["ours"], s["anonymous_kib"]["exporter"]
    t.add(f"Anonymous memory after {n} scrapes of each (smaps_rollup Anonymous)",
          "<= 1/2 of exporter", f"{mib(o):.2f} MiB", f"{mib(e):.2f} MiB", f"{o / e:.2f}",
          o / e <= 0.5)
    o, e = s["cpu_s"]["ours"], s["cpu_s"]["exporter"]
    # utime+stime count 10 ms ticks: a ratio of a few ticks is coarse, the
    # scheduler's nanosecond figure below is the check on it.
    t.add(f"CPU time of those {n} scrapes (utime+stime delta)", "<= 1/2 of exporter",
          fmt(o * 1e3, " ms", 0), fmt(e * 1e3, " ms", 0), "n/a" if e == 0 else f"{o / e:.2f}",
          None if e == 0 else o / e <= 0.5)
    o, e = s["sched_cpu_s"]["ours"], s["sched_cpu_s"]["exporter"]
    t.add("  the same in scheduler time (schedstat)", "(informative)", fmt(o * 1e3, " ms", 1),
          fmt(e * 1e3, " ms", 1), "n/a" if e == 0 else f"{o / e:.2f}", None)
    o, e = s["threads"]["ours"], s["threads"]["exporter"]
    t.add("Threads after the scrapes", "(informative)", str(o), str(e), f"{o / e:.2f}", None)


def redis_rows(t, r):
    side = r["side"]
    for cfg, label in (("ours_1s", "at 1 s"), ("ours_250ms", "at 250 ms")):
        for test, loss in r["loss_pct"][cfg].items():
            noise = r["none_spread_pct"][test]
            ok = loss < 1.0
            if noise >= 1.0 or r["rounds"] < 3:
                # The no-monitor runs alone differ by more than the target:
                # this measurement cannot tell 1 % apart.
                ok = (f"inconclusive (no-monitor spread {noise:.0f} %"
                      f"{', within it' if abs(loss) <= noise else ''})")
            t.add(f"redis-benchmark {test} loss, memwatch {label} (median of {r['rounds']})",
                  "< 1 %", fmt(loss, " %"), fmt(r["loss_pct"]["exporter_1s"][test], " %") +
                  " (exporter@1s)", "", ok)
        share = side[cfg]["redis_thread_share_pct"]
        t.add(f"Throughput loss bound, memwatch {label}: share of Redis' command thread spent "
              f"on our INFO (commandstats usec/s)", "< 1 %", fmt(share, " %", 4),
              fmt(side["exporter_1s"]["redis_thread_share_pct"], " %", 4) + " (exporter@1s)", "",
              share < 1.0)
    for cfg, label in (("ours_1s", "poll at 1 s"), ("ours_250ms", "poll at 250 ms")):
        s, e = side[cfg], side["exporter_1s"]
        t.add(f"Redis usec per {label} vs per exporter scrape", "(report)",
              fmt(s["usec_per_event"], " us", 1), fmt(e["usec_per_event"], " us", 1),
              f"{s['usec_per_event'] / e['usec_per_event']:.2f}" if e["usec_per_event"] else "",
              None)
        t.add(f"Redis process CPU over no monitor, memwatch {label}", "(report)",
              fmt(s["redis_cpu_ms_per_s_over_none"], " ms/s"),
              fmt(e["redis_cpu_ms_per_s_over_none"], " ms/s"), "", None)


def tls_rows(t, x):
    """bench/tls_cost.py: TLS against plain TCP, same Redis, one run."""
    m = x["median"]
    o_tcp, o_tls, e_tcp, e_tls = m["ours_tcp"], m["ours_tls"], m["exporter_tcp"], m["exporter_tls"]

    def ratio(a, c):
        return f"{a / c:.2f}" if c else "n/a"

    for key, label, digits in (
            ("monitor_cpu_us_per_event", "Monitor CPU per poll (exporter: per scrape)", 0),
            ("redis_command_us_per_event", "Redis command time per poll (commandstats usec)", 1),
            ("redis_cpu_us_per_event_over_none", "Redis process CPU per poll over no monitor", 0)):
        for name, o, e in (("TCP", o_tcp, e_tcp), ("TLS", o_tls, e_tls)):
            t.add(f"{label}, {name}", "(report)", fmt(o[key], " us", digits),
                  fmt(e[key], " us", digits), ratio(o[key], e[key]), None)
        t.add(f"{label}: TLS / TCP", "(report)", ratio(o_tls[key], o_tcp[key]),
              ratio(e_tls[key], e_tcp[key]), "", None)
    conns = o_tls["connections_per_event"]
    t.add("TLS connections Redis accepted per poll (one persistent connection: no handshake "
          "per poll)", "< 0.01", fmt(conns, "", 3), fmt(e_tls["connections_per_event"], "", 3),
          "", conns < 0.01)
    t.add("Mean poll duration (probe histogram), TCP / TLS", "(report)",
          f"{o_tcp['poll_ms_mean']:.3f} / {o_tls['poll_ms_mean']:.3f} ms", "", "", None)


def many_rows(t, m):
    n = m["targets"]
    t.add(f"{n} targets: daemon CPU", "< 0.5 core", fmt(m["cpu_cores"], " cores", 3), "", "",
          m["cpu_cores"] < 0.5)
    t.add(f"{n} targets: daemon RSS (max over window)", "< 64 MiB",
          f"{mib(m['rss_max_kib']):.1f} MiB", "", "", mib(m["rss_max_kib"]) < 64)
    t.add(f"{n} targets: full /metrics scrape (max of {m['scrape_ms']['count']})", "< 100 ms",
          f"{m['scrape_ms']['max']:.1f} ms (median {m['scrape_ms']['median']:.1f})", "", "",
          m["scrape_ms"]["max"] < 100)
    if "scrape_daemon_cpu_ms" in m:
        c, w = m["scrape_daemon_cpu_ms"], m["scrape_daemon_runqueue_wait_ms"]
        t.add(f"{n} targets: daemon CPU / run-queue wait during a scrape", "(informative)",
              f"CPU {c['median']:.1f} ms median ({c['at_slowest']:.1f} at the slowest); waiting "
              f"for a CPU {w['median']:.1f} ms ({w['at_slowest']:.1f})", "", "", None)
    for key, label in (("status_page", "status page GET /"), ("status_json", "GET /api/v1/status")):
        if key in m:
            p = m[key]
            t.add(f"{n} targets: {label}, daemon CPU to render and send it (max of the GETs)",
                  "< 100 ms", f"{p['cpu_ms_max']:.1f} ms (median {p['cpu_ms_median']:.1f}; "
                  f"wall {p['wall_ms_median']:.1f} ms; {p['bytes'] / 1024:.0f} KiB)", "", "",
                  p["cpu_ms_max"] < 100 and p["bytes"] > 0)
    on_time = m["targets_polled_on_time"] == n and m["poll_lag_p99_s"] <= 0.1
    t.add(f"{n} targets: polled on time (every target each interval; poll lag p99 <= 100 ms)",
          "all, on time", f"{m['targets_polled_on_time']}/{n}; lag p50 "
          f"{m['poll_lag_p50_s'] * 1e3:.1f} ms, p99 {m['poll_lag_p99_s'] * 1e3:.1f} ms, "
          f"p99.9 {m['poll_lag_p999_s'] * 1e3:.1f} ms", "", "", on_time)


def fleet_rows(t, x):
    """bench/sharded_fleet.py: N targets over sharded daemons on one machine."""
    n, k, c, lag = x["targets"], x["shards"], x["coverage"], x["poll_lag"]
    pre = f"{n} targets at {x['interval_s']} s over {k} shards"
    ok = (c["union"] == n and c["overlap"] == 0 and c["missing"] == 0 and c["extra"] == 0
          and c["hashmod_match"])
    t.add(f"{pre}: every target watched by exactly one daemon (its hashmod shard)",
          "all, no overlap", f"{c['union']}/{n}, overlap {c['overlap']}", "", "", ok)
    on_time = x["targets_polled_every_interval"] == n and lag["p99_s"] <= 0.1
    t.add(f"{pre}: polled on time (every target each interval; poll lag p99 <= 100 ms)",
          "all, on time", f"{x['targets_polled_every_interval']}/{n} (longest without a "
          f"successful poll {x['max_gap_s']:.2f} s); lag p50 "
          f"{lag['p50_s'] * 1e3:.1f} ms, p99 {lag['p99_s'] * 1e3:.1f} ms, p99.9 "
          f"{lag['p999_s'] * 1e3:.1f} ms", "", "", on_time)
    e = x.get("exporter")
    t.add(f"{pre}: CPU of all daemons", "(report)", fmt(x["fleet_cpu_cores"], " cores", 3),
          f"{e['cpu_cores_extrapolated']:.3f} cores (derived: {e['cpu_cores']:.3f} for a "
          f"sample of {e['sample_targets']} via /scrape, x {n / e['sample_targets']:.0f})"
          if e else "", f"{x['fleet_cpu_cores'] / e['cpu_cores_extrapolated']:.2f}" if e else "",
          None)
    d = x["daemons"]
    t.add(f"{pre}: per daemon CPU, max of {k}", "(report)",
          fmt(max(v["cpu_cores"] for v in d), " cores", 3), "", "", None)
    t.add(f"{pre}: per daemon RSS (max over window), max of {k}", "(report)",
          f"{mib(max(v['rss_max_kib'] for v in d)):.1f} MiB "
          f"(sum {mib(x['fleet_rss_max_kib']):.1f})",
          f"{mib(e['rss_max_kib']):.1f} MiB (one exporter, sample)" if e else "", "", None)
    worst = max(v["scrape_ms"]["max"] for v in d)
    medians = ", ".join(f"{v['scrape_ms']['median']:.0f}" for v in d)
    t.add(f"{pre}: full /metrics scrape of one daemon, max over all", "(report)",
          f"{worst:.0f} ms (medians {medians} ms; "
          f"{b.median([v['scrape_bytes'] for v in d]) / 2**20:.1f} MiB)", "", "", None)


def details(f, r, m, s=None, tls=None):
    out = []
    if s:
        out.append(f"- scrape_cost: {s['keys']} keys; {s['scrapes']} scrapes of each, alternating, "
                   f"a new TCP connection each, in {s['wall_s']:.1f} s; body "
                   f"{json.dumps(s['body_bytes'])} B; latency p50 "
                   f"{json.dumps({k: round(v, 2) for k, v in s['p50_ms'].items()})} ms, p99 "
                   f"{json.dumps({k: round(v, 2) for k, v in s['p99_ms'].items()})} ms; anonymous "
                   f"before the scrapes {json.dumps(s['anonymous_start_kib'])} KiB, after "
                   f"{json.dumps(s['anonymous_kib'])} KiB; RSS after "
                   f"{json.dumps(s['rss_kib'])} KiB; load average at start "
                   f"{s['load_at_start']}, at end {s['load_at_end']}")
        out.append(f"  - our anonymous KiB by mapping, after: "
                   f"{json.dumps(s['ours_breakdown_kib'], sort_keys=True)} (before: "
                   f"{json.dumps(s['ours_breakdown_start_kib'], sort_keys=True)})")
    if f:
        out.append(f"- footprint: {f['keys']} keys; {f['runs']} runs x {f['scrapes_per_run']} "
                   f"scrapes alternating between the two; a new TCP connection per scrape "
                   f"(our server closes it); body {f['body_bytes']['ours']} B / "
                   f"{f['series']['ours']} series (ours) vs {f['body_bytes']['exporter']} B / "
                   f"{f['series']['exporter']} series; threads {f['threads']}; "
                   f"memory at start {f['mem_start_kib']}; after 1,000 scrapes "
                   f"{f['mem_after_1000_kib']}")
        for i, x in enumerate(f["runs_detail"]):
            out.append(f"  - run {i + 1}: {x['wall_s']:.1f} s; " + "; ".join(
                f"{n} CPU {x[n]['cpu_s_per_1000']:.3f} s/1000, p50 {x[n]['p50_ms']:.2f} ms, "
                f"p99 {x[n]['p99_ms']:.2f} ms, max {x[n]['max_ms']:.1f} ms, run-queue wait "
                f"{x[n].get('runqueue_wait_ms_per_scrape', float('nan')):.2f} ms/scrape"
                for n in ("ours", "exporter")) + f"; RSS after {x['rss_after_kib']}")
    if r:
        out.append(f"- redis_cost: {r['keys']} keys; throughput rounds {r['rounds']}; "
                   f"median rps {json.dumps(r['median_rps'])}; spread of no-monitor runs "
                   f"(max-min)/median {json.dumps({k: round(v, 1) for k, v in r['none_spread_pct'].items()})} %")
        for cfg, s in r["side"].items():
            out.append(f"  - {cfg}: {s['events']:.0f} polls/scrapes in {s['window_s']:.0f} s; "
                       f"commands {json.dumps(s['commands'])}; Redis CPU "
                       f"{s['redis_cpu_ms_per_s']:.2f} ms/s")
    if m:
        out.append(f"- many_targets: {m['real_redis']} redis-server + {m['replayed']} replayed; "
                   f"window {m['window_s']} s; polls/s {m['polls_per_s']:.0f}; successful polls "
                   f"per target {m['successful_polls_per_target']}; up {m['targets_up']}; poll "
                   f"errors in window {m['poll_errors_in_window']:.0f}; targets that failed "
                   f"their first poll {m.get('first_round_failures', 'n/a')}; series {m['series']}; "
                   f"scrape {m['scrape_bytes']:.0f} B; RSS at ready {mib(m['rss_ready_kib']):.1f} "
                   f"MiB, HWM {mib(m['rss_peak_hwm_kib']):.1f} MiB; threads {m['threads']}; "
                   f"replay_server CPU {m['replay_server_cpu_cores']:.3f} cores; ready after "
                   f"{m['ready_after_s']:.1f} s; daemon threads waited for a CPU "
                   f"{m.get('runqueue_wait_ms_per_s', float('nan')):.1f} ms per second")
    if tls:
        o, e = tls["median"]["ours_tls"], tls["median"]["exporter_tls"]
        out.append(f"- tls_cost: {tls['keys']} keys; {tls['rounds']} rounds of {tls['window_s']} s "
                   f"per configuration, every {tls['period_s'] * 1e3:.0f} ms; over TLS, polls per "
                   f"window {o['events']:.0f} (exporter scrapes {e['events']:.0f}); Redis calls "
                   f"per poll {o['redis_calls_per_event']:.2f} (exporter "
                   f"{e['redis_calls_per_event']:.2f}); no-monitor Redis CPU "
                   f"{tls['median']['none']['redis_cpu_ms_per_s']:.2f} ms/s")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--append", help="RESULTS.md to append to")
    ap.add_argument("--command", default="bench/run_all.sh")
    ap.add_argument("--started", default="")
    ap.add_argument("--commit", default="", help="git commit when the run started")
    ap.add_argument("--note", default="", help="one line on what was measured")
    a = ap.parse_args()
    f, r, m = load(a.dir, "footprint"), load(a.dir, "redis_cost"), load(a.dir, "many_targets")
    s, x = load(a.dir, "scrape_cost"), load(a.dir, "tls_cost")
    fleet = load(a.dir, "sharded_fleet")
    t = Table()
    if f:
        footprint_rows(t, f)
    if s:
        scrape_rows(t, s)
    if r:
        redis_rows(t, r)
    if m:
        many_rows(t, m)
    if x:
        tls_rows(t, x)
    if fleet:
        fleet_rows(t, fleet)
    mach = b.machine_info()
    meta = (f"- date: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}"
            f"{' (started ' + a.started + ')' if a.started else ''}\n"
            f"- machine: {mach['cores']} cores, {mach['cpu_model']}, {mach['mem_gib']} GiB; "
            f"load average at the end {mach['loadavg']} (shared machine: other builds ran)\n"
            f"- versions: redis-server {b.redis_version()}, redis_exporter {b.exporter_version()},"
            f" redis-memwatch: tree at {a.commit or b.git_commit()}; binary "
            f"{b.binary_info(os.environ.get('MEMWATCH_BIN', b.DEFAULT_BIN))}\n"
            f"{'- note: ' + a.note + chr(10) if a.note else ''}"
            f"- command: `{a.command}`\n"
            f"- CPU is scheduler time (/proc/PID/task/*/schedstat) of every thread unless a row "
            f"says utime+stime (/proc/PID/stat); RSS is VmRSS from /proc/PID/status")
    body = (f"{meta}\n\n{t.markdown()}\n\n{t.met} met, {t.missed} missed.\n\n"
            + (f"Details:\n{details(f, r, m, s, x)}\n" if f or r or m or s or x else ""))
    if fleet:
        body = (body.rstrip("\n") + "\n\nsharded_fleet, per daemon:\n\n"
                + sharded_fleet.summary(fleet, verdicts=False) + "\n")
    print(body)
    if a.append:
        with open(a.append, "a") as out:
            out.write(f"\n## {time.strftime('%Y-%m-%d %H:%M')} run\n\n{body}")


if __name__ == "__main__":
    main()
