"""Shared helpers of the bench scripts: processes we start (and only those
are stopped, by PID), /proc readings, a tiny RESP client, HTTP scrapes and
statistics. Loopback only. Python 3.11 standard library only."""

import atexit
import ctypes
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

DEFAULT_BIN = "/work/main/build-bench/src/app/redis-memwatch"
EXPORTER_BIN = "/usr/bin/prometheus-redis-exporter"
REDIS_SERVER = "/usr/bin/redis-server"
REDIS_BENCHMARK = "/usr/bin/redis-benchmark"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024

_started = []  # Popen objects we own, stopped on exit


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def env_int(name, default, smoke_default=None):
    if name in os.environ and os.environ[name] != "":
        return int(os.environ[name])
    if smoke_default is not None and smoke():
        return smoke_default
    return default


def smoke():
    return os.environ.get("BENCH_SMOKE", "") not in ("", "0")


def memwatch_bin():
    path = os.environ.get("MEMWATCH_BIN") or DEFAULT_BIN
    if not os.access(path, os.X_OK):
        sys.exit(f"redis-memwatch binary not found or not executable: {path} (set MEMWATCH_BIN)")
    return path


# ---------------------------------------------------------------- processes

def _die_with_parent():
    # PR_SET_PDEATHSIG: if this script is killed, its children die too.
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)
    # BENCH_NICE=-10: every process the bench starts (Redis, redis-benchmark,
    # both monitors) runs at that priority, to cut noise from other work on
    # a shared machine. Off by default: it slows everyone else down.
    if os.environ.get("BENCH_NICE"):
        os.nice(int(os.environ["BENCH_NICE"]))


def spawn(argv, stdout=None, stderr=None, cwd=None, env=None):
    p = subprocess.Popen(argv, stdout=stdout or subprocess.DEVNULL,
                         stderr=stderr or subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                         cwd=cwd, env=env, preexec_fn=_die_with_parent)
    _started.append(p)
    return p


def stop(p, grace=5.0):
    """SIGTERM by PID, then SIGKILL after `grace` seconds."""
    if p.poll() is None:
        try:
            os.kill(p.pid, signal.SIGTERM)
            p.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.kill(p.pid, signal.SIGKILL)
            p.wait(timeout=5)
        except ProcessLookupError:
            pass
    if p in _started:
        _started.remove(p)


def stop_all(grace=5.0):
    """SIGTERM to every process still running, then SIGKILL to those that
    outlive `grace` seconds; all by PID."""
    procs = [p for p in reversed(_started) if p.poll() is None]
    for p in procs:
        try:
            os.kill(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    for p in procs:
        try:
            p.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.kill(p.pid, signal.SIGKILL)
            p.wait(timeout=5)
    _started.clear()


def _on_signal(signum, _frame):
    raise SystemExit(128 + signum)


atexit.register(stop_all)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)


def wait_until(pred, timeout, what, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    raise RuntimeError(f"timed out after {timeout}s waiting for {what}")


def free_ports(n, lo=20000, hi=32000):
    """n loopback TCP ports free right now, below the ephemeral range."""
    out = []
    port = lo + (os.getpid() * 37) % 4000
    while len(out) < n:
        if port >= hi:
            port = lo
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                out.append(port)
            except OSError:
                pass
        port += 1
    return out


# ---------------------------------------------------------------- /proc

def cpu_seconds_stat(pid):
    """utime + stime of `pid` (all threads, dead ones too), in seconds; tick-sampled."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def _schedstat_sum(pid, field):
    total, tasks = 0, f"/proc/{pid}/task"
    for tid in os.listdir(tasks):
        try:
            with open(f"{tasks}/{tid}/schedstat") as f:
                total += int(f.read().split()[field])
        except (FileNotFoundError, ProcessLookupError):
            pass  # thread ended between listdir and open
    return total / 1e9


def thread_cpu_seconds(pid, name):
    """CPU time of `pid`'s live threads named `name` (/proc/PID/task/TID/comm)."""
    total, tasks = 0, f"/proc/{pid}/task"
    for tid in os.listdir(tasks):
        try:
            with open(f"{tasks}/{tid}/comm") as f:
                if f.read().strip() != name:
                    continue
            with open(f"{tasks}/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total / 1e9


def runqueue_wait_seconds(pid):
    """Time `pid`'s live threads were runnable but waiting for a CPU."""
    return _schedstat_sum(pid, 1)


def cpu_seconds(pid):
    """CPU time of `pid`'s live threads in seconds, from the scheduler's
    nanosecond counters (/proc/PID/task/*/schedstat); falls back to
    utime+stime. Every process measured here keeps its threads for life
    (fixed CivetWeb pool, Go runtime, redis-server), so none is lost."""
    try:
        return _schedstat_sum(pid, 0)
    except OSError:
        return cpu_seconds_stat(pid)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def memory_kib(pid):
    """RSS and its parts: anon, file, PSS and USS (private pages)."""
    out = {"rss": rss_kib(pid)}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("RssAnon:", "RssFile:")):
                out[line.split(":")[0][3:].lower()] = int(line.split()[1])
    roll = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                roll[parts[0].rstrip(":")] = int(parts[1])
    out["pss"] = roll.get("Pss", 0)
    out["uss"] = roll.get("Private_Clean", 0) + roll.get("Private_Dirty", 0)
    return out


def status_field(pid, name):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(name + ":"):
                return line.split(":", 1)[1].strip()
    return ""


def machine_info():
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    load = open("/proc/loadavg").read().split()[:3]
    return {"cores": os.cpu_count(), "cpu_model": model, "mem_gib": round(mem_kib / 2**20, 1),
            "loadavg": " ".join(load)}


# ---------------------------------------------------------------- Redis

class Resp:
    """A blocking RESP2 client, enough for INFO, CONFIG, DEBUG, PING."""

    def __init__(self, port, host="127.0.0.1", timeout=30.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""

    def close(self):
        self.sock.close()

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n).decode(errors="replace")
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise RuntimeError(f"bad reply {line!r}")

    def call(self, *args):
        out = [f"*{len(args)}\r\n".encode()]
        for a in args:
            b = str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(b), b))
        self.sock.sendall(b"".join(out))
        return self._reply()


def redis_call(port, *args):
    c = Resp(port)
    try:
        return c.call(*args)
    finally:
        c.close()


def parse_info(text):
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#") and ":" in line:
            k, v = line.split(":", 1)
            out[k] = v
    return out


def commandstats(port):
    """{command: (calls, usec)} from INFO commandstats."""
    out = {}
    for k, v in parse_info(redis_call(port, "INFO", "commandstats")).items():
        if k.startswith("cmdstat_"):
            f = dict(x.split("=", 1) for x in v.split(","))
            out[k[len("cmdstat_"):]] = (int(f["calls"]), int(f["usec"]))
    return out


def start_redis(port, workdir, extra=()):
    argv = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", workdir, "--daemonize", "no",
            "--logfile", "", "--loglevel", "warning", *extra]
    p = spawn(argv)
    return p


def wait_redis(port, p, timeout=20):
    def ok():
        if p.poll() is not None:
            raise RuntimeError(f"redis-server on port {port} exited with {p.returncode}")
        try:
            return redis_call(port, "PING") == "PONG"
        except OSError:
            return False
    wait_until(ok, timeout, f"redis-server on {port}")


def redis_version():
    out = subprocess.run([REDIS_SERVER, "--version"], capture_output=True, text=True).stdout
    m = re.search(r"v=(\S+)", out)
    return m.group(1) if m else out.strip()


def exporter_version():
    out = subprocess.run([EXPORTER_BIN, "--version"], capture_output=True, text=True)
    m = re.search(r"Exporter (\S+)", out.stdout + out.stderr)
    return m.group(1) if m else "unknown"


def binary_info(path):
    """Size, mtime and a short SHA-256 of the daemon binary, to tell builds apart."""
    import hashlib
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    st = os.stat(path)
    return (f"{path}, built {time.strftime('%Y-%m-%d %H:%M', time.localtime(st.st_mtime))}, "
            f"sha256 {h.hexdigest()[:12]}")


def git_commit():
    try:
        rev = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)), "rev-parse",
                              "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(__file__)), "status",
                                "--porcelain", "--", "src", "include"],
                               capture_output=True, text=True).stdout.strip()
        return rev + ("+dirty(src)" if dirty else "")
    except OSError:
        return "unknown"


# ---------------------------------------------------------------- daemons

def write_config(path, targets, interval="1s", timeout="500ms"):
    """targets: [(name, port)] or [(name, address, tls_ca_file)]: an address
    (e.g. rediss://127.0.0.1:PORT) verified against that CA file."""
    with open(path, "w") as f:
        f.write('listen: "127.0.0.1:0"\n')
        f.write(f"interval: {interval}\ntimeout: {timeout}\ntargets:\n")
        for target in targets:
            if len(target) == 2:
                f.write(f"  - name: {target[0]}\n    address: 127.0.0.1:{target[1]}\n")
            else:
                name, address, ca_file = target
                f.write(f"  - name: {name}\n    address: {address}\n"
                        f"    tls:\n      ca_file: {ca_file}\n")


class Memwatch:
    """Our daemon, started on an ephemeral metrics port read from its log."""

    def __init__(self, workdir, targets, interval="1s", tag="memwatch", config=None):
        """config: the path of a config file written by the caller (then
        `targets` and `interval` are not used)."""
        self.config = config or os.path.join(workdir, f"{tag}.yml")
        if config is None:
            write_config(self.config, targets, interval)
        self.logpath = os.path.join(workdir, f"{tag}.log")
        self.logf = open(self.logpath, "w")
        # BENCH_DAEMON_ENV="K=V K2=V2": extra environment for our daemon only
        # (e.g. GLIBC_TUNABLES=glibc.malloc.arena_max=2), to try settings.
        env = dict(os.environ)
        for kv in os.environ.get("BENCH_DAEMON_ENV", "").split():
            k, _, v = kv.partition("=")
            env[k] = v
        self.proc = spawn([memwatch_bin(), "--config", self.config], stderr=self.logf,
                          stdout=self.logf, env=env)
        self.port = wait_until(self._port, 15, "redis-memwatch to log its metrics port")
        self.pid = self.proc.pid

    def _port(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"redis-memwatch exited with {self.proc.returncode}; "
                               f"log: {open(self.logpath).read()[-2000:]}")
        m = re.search(r"metrics on http://127\.0\.0\.1:(\d+)/metrics", open(self.logpath).read())
        return int(m.group(1)) if m else None

    def wait_ready(self, timeout=30):
        def ready():
            try:
                return http_get(self.port, "/-/ready")[0] == 200
            except OSError:
                return False
        wait_until(ready, timeout, "redis-memwatch /-/ready", step=0.1)

    def stop(self):
        stop(self.proc)
        self.logf.close()


class Exporter:
    """oliver006/redis_exporter against one Redis, default flags."""

    def __init__(self, workdir, redis_port, tag="exporter", tls_ca_file=None):
        """With tls_ca_file: rediss:// to redis_port, verified against it."""
        self.port = free_ports(1, 32100, 32700)[0]
        self.logf = open(os.path.join(workdir, f"{tag}.log"), "w")
        scheme = "rediss" if tls_ca_file else "redis"
        argv = [EXPORTER_BIN, "-redis.addr", f"{scheme}://127.0.0.1:{redis_port}",
                "-web.listen-address", f"127.0.0.1:{self.port}"]
        if tls_ca_file:
            argv += ["-tls-ca-cert-file", tls_ca_file]
        self.proc = spawn(argv, stderr=self.logf, stdout=self.logf)
        self.pid = self.proc.pid

        def up():
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis_exporter exited with {self.proc.returncode}")
            try:
                return http_get(self.port, "/health")[0] == 200
            except OSError:
                return False
        wait_until(up, 15, "redis_exporter /health")

    def stop(self):
        stop(self.proc)
        self.logf.close()


# ---------------------------------------------------------------- replayed targets

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(BENCH_DIR, "..", "tests", "fixtures", "info", "redis-7.0.txt")


def start_replay(work, count, procs, max_seconds=1800):
    """`count` replayed targets over `procs` replay_server processes (a burst
    of 1,000 INFO at once is more than one Python process answers within the
    daemon's 500 ms timeout on a busy 2-core machine). Returns (processes, ports).
    Each process holds two descriptors per port (listener and the daemon's
    connection): RLIMIT_NOFILE is inherited, see raise_nofile()."""
    servers, ports = [], []
    per = -(-count // procs)
    for i in range(procs):
        n = min(per, count - i * per)
        if n <= 0:
            break
        pfile = os.path.join(work, f"replay-ports-{i}.txt")
        p = spawn(["/usr/bin/python3", os.path.join(BENCH_DIR, "replay_server.py"),
                   "--count", str(n), "--info", FIXTURE, "--ports-file", pfile,
                   "--max-seconds", str(max_seconds)])
        servers.append((p, pfile))
    for p, pfile in servers:
        wait_until(lambda: os.path.exists(pfile) or p.poll() is not None, 60,
                   "replay_server ports")
        if p.poll() is not None:
            raise RuntimeError(f"replay_server exited with {p.returncode}")
        ports += [int(x) for x in open(pfile).read().split()]
    return [p for p, _ in servers], ports


def raise_nofile(wanted):
    """Raises this process's soft RLIMIT_NOFILE to at least `wanted` (up to the
    hard limit); every process spawned afterwards inherits it. Returns the
    soft limit now in force."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return soft


# ---------------------------------------------------------------- HTTP

class ScrapeLoop:
    """Scrapes an exporter every `period` seconds on a fixed cadence."""

    def __init__(self, port, period=1.0):
        self.port, self.period, self.count = port, period, 0
        self.stop_flag = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        nxt = time.monotonic()
        while not self.stop_flag.is_set():
            try:
                timed_scrape(self.port)
                self.count += 1
            except OSError as e:
                log(f"scrape failed: {e}")
            nxt += self.period
            self.stop_flag.wait(max(0.0, nxt - time.monotonic()))

    def stop(self):
        self.stop_flag.set()
        self.thread.join(timeout=15)


def http_get(port, path, timeout=10.0):
    """(status, body bytes); a new connection per request, as our server closes it."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def timed_scrape(port, path="/metrics"):
    t0 = time.perf_counter()
    status, body = http_get(port, path)
    dt = time.perf_counter() - t0
    if status != 200:
        raise RuntimeError(f"GET {path} on {port}: HTTP {status}")
    return dt, body


# ---------------------------------------------------------------- stats

def percentile(values, q):
    """Nearest-rank percentile, q in [0, 100]."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(q / 100 * len(s) + 0.5)) - 1))
    return s[k]


def median(values):
    return statistics.median(values) if values else float("nan")


def parse_histogram(text, name, labels=""):
    """{le: cumulative count} of a Prometheus text histogram."""
    out = {}
    pat = re.compile(re.escape(name) + r'_bucket\{' + labels + r'[^}]*le="([^"]+)"\} (\S+)')
    for m in pat.finditer(text):
        out[float(m.group(1))] = float(m.group(2))
    return out


def histogram_quantile(q, before, after):
    """histogram_quantile() over the increase between two bucket readings."""
    les = sorted(after)
    inc = [(le, after[le] - before.get(le, 0.0)) for le in les]
    total = inc[-1][1] if inc else 0
    if total <= 0:
        return float("nan"), 0
    rank = q * total
    prev_le, prev_c = 0.0, 0.0
    for le, c in inc:
        if c >= rank:
            if le == float("inf"):
                return prev_le, total  # as Prometheus: the highest finite bound
            return prev_le + (le - prev_le) * (rank - prev_c) / max(c - prev_c, 1e-12), total
        prev_le, prev_c = le, c
    return prev_le, total


def tmpdir(prefix):
    return tempfile.mkdtemp(prefix=prefix, dir=os.environ.get("BENCH_TMP") or None)


def write_json(path, data):
    with open(path, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
