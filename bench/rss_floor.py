"""What RSS any process starts from on this machine, next to redis-memwatch and
redis_exporter, and what loading libcurl adds. Writes JSON to argv[1] and
prints a summary; not part of run_all.sh (its figures change only with the
machine's libraries).

  /usr/bin/python3 bench/rss_floor.py OUT.json [PATH-TO-redis-memwatch]

Measured, each after 3 s idle (VmRSS, smaps_rollup):
- floor_c:   an empty C program that sleeps (libc only);
- floor_cxx: an empty C++ program that sleeps, with <iostream> and dynamic
  libstdc++ (the floor of any program linking a C++ shared library);
- floor_cxx_static: the same with -static-libstdc++ -static-libgcc;
- ours / ours_libcurl: the daemon with one target (Redis with BENCH_KEYS keys),
  without and with LD_PRELOAD=libcurl.so.4 (what linking curl into it
  loads), and the shared objects mapped in each;
- exporter: redis_exporter against the same Redis.
Compilers are cc and c++ from PATH; a missing one skips its floor."""

import os
import shutil
import subprocess
import sys
import time

import benchlib as b

LIBCURL = "/usr/lib/x86_64-linux-gnu/libcurl.so.4"


def shared_objects(pid):
    with open(f"/proc/{pid}/maps") as f:
        return sorted({line.split()[-1] for line in f
                       if ".so" in line.split()[-1] and line.split()[-1].startswith("/")})


def rss_by_object(pid):
    """KiB of RSS per mapped file (every mapping of it summed)."""
    out, current = {}, None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            parts = line.split()
            if "-" in parts[0] and len(parts) >= 5 and ":" in parts[3]:
                current = parts[5] if len(parts) >= 6 and parts[5].startswith("/") else None
            elif parts[0] == "Rss:" and current:
                out[current] = out.get(current, 0) + int(parts[1])
    return out


def ldd_map(path):
    """soname -> resolved path of everything `path` loads (ldd)."""
    out = {}
    for line in subprocess.run(["ldd", path], capture_output=True, text=True).stdout.splitlines():
        if " => " in line:
            name, rest = line.strip().split(" => ", 1)
            if rest.startswith("/"):
                out[name] = os.path.realpath(rest.split()[0])
    return out


def curl_only_objects(binary):
    """libcurl and the libraries mapped only because of it: its ldd closure
    minus the closures of every other library the binary needs directly.
    None when the binary does not link libcurl."""
    r = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True)
    needed = [ln.split("[")[1].rstrip("]") for ln in r.stdout.splitlines() if "(NEEDED)" in ln]
    paths = ldd_map(binary)
    curl = os.path.realpath(LIBCURL)
    if curl not in {paths.get(n) for n in needed}:
        return None
    others = set()
    for n in needed:
        if n in paths and paths[n] != curl:
            others |= {paths[n]} | set(ldd_map(paths[n]).values())
    return sorted(({curl} | set(ldd_map(curl).values())) - others)


def measure_program(work, name, source, compiler, flags):
    if shutil.which(compiler) is None:
        return None
    ext = "c" if compiler == "cc" else "cc"
    src = os.path.join(work, f"{name}.{ext}")
    exe = os.path.join(work, name)
    with open(src, "w") as f:
        f.write(source)
    subprocess.run([compiler, "-O2", *flags, src, "-o", exe], check=True)
    p = b.spawn([exe])
    time.sleep(3)
    mem = b.memory_kib(p.pid)
    b.stop(p)
    return mem


def main(out_path, binary):
    os.environ["MEMWATCH_BIN"] = binary
    keys = b.env_int("BENCH_KEYS", 100000, 1000)
    work = b.tmpdir("bench-floor-")
    res = {"binary": b.binary_info(binary)}
    try:
        c_src = "#include <unistd.h>\nint main(void) { pause(); return 0; }\n"
        cxx_src = ("#include <unistd.h>\n#include <iostream>\n"
                   "int main() { std::cout << \"\" << std::flush; pause(); }\n")
        res["floor_c"] = measure_program(work, "floor_c", c_src, "cc", [])
        res["floor_cxx"] = measure_program(work, "floor_cxx", cxx_src, "c++", [])
        res["floor_cxx_static"] = measure_program(work, "floor_cxx_static", cxx_src, "c++",
                                                  ["-static-libstdc++", "-static-libgcc"])

        rport = b.free_ports(1)[0]
        redis = b.start_redis(rport, work, ["--enable-debug-command", "local"])
        b.wait_redis(rport, redis)
        b.redis_call(rport, "DEBUG", "POPULATE", keys)
        for tag, extra in (("ours", ""), ("ours_libcurl", f"LD_PRELOAD={LIBCURL}")):
            saved = os.environ.get("BENCH_DAEMON_ENV", "")
            os.environ["BENCH_DAEMON_ENV"] = (saved + " " + extra).strip()
            d = b.Memwatch(work, [("bench", rport)], interval="1s", tag=tag)
            os.environ["BENCH_DAEMON_ENV"] = saved
            d.wait_ready()
            time.sleep(3)
            res[tag] = b.memory_kib(d.pid)
            res[tag + "_shared_objects"] = shared_objects(d.pid)
            if tag == "ours":
                by_object = {os.path.realpath(k): v for k, v in rss_by_object(d.pid).items()}
                res["ours_rss_by_object_kib"] = dict(
                    sorted(by_object.items(), key=lambda kv: -kv[1]))
                only = curl_only_objects(binary)
                if only is not None:
                    res["ours_curl_only_objects"] = only
                    res["ours_curl_only_rss_kib"] = sum(by_object.get(o, 0) for o in only)
            d.stop()
        exp = b.Exporter(work, rport)
        time.sleep(3)
        res["exporter"] = b.memory_kib(exp.pid)
        exp.stop()
    finally:
        b.stop_all()
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    b.write_json(out_path, res)
    ours, curl, exp = res["ours"], res["ours_libcurl"], res["exporter"]
    linked = any("/libcurl.so" in o for o in res["ours_shared_objects"])
    print(f"floor: C {res['floor_c']}, C++ {res['floor_cxx']}, "
          f"C++ static libstdc++ {res['floor_cxx_static']}")
    print(f"exporter {exp}; a third of its RSS: {exp['rss'] / 3:.0f} KiB")
    print(f"ours {ours} ({len(res['ours_shared_objects'])} shared objects; libcurl "
          f"{'already linked' if linked else 'not linked'})")
    if "ours_curl_only_rss_kib" in res:
        print(f"of ours, libcurl and the {len(res['ours_curl_only_objects']) - 1} libraries "
              f"only it needs: {res['ours_curl_only_rss_kib']} KiB RSS")
    print(f"ours with LD_PRELOAD=libcurl.so.4 {curl} "
          f"({len(res['ours_libcurl_shared_objects'])} shared objects): "
          f"+{curl['rss'] - ours['rss']} KiB RSS")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else b.DEFAULT_BIN)
