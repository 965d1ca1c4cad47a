#!/usr/bin/python3
"""The Alertmanager configuration docs/prometheus.md shows is valid and
inhibits as it says, checked on a real Alertmanager.

Usage: alertmanager_example_test.py REPO_ROOT

  1. The first ```yaml block under "## Route the alerts with Alertmanager",
     its ${SLACK_WEBHOOK_URL} rendered to a loopback URL, passes
     `amtool check-config`.
  2. Debian's prometheus-alertmanager runs it on 127.0.0.1 (a port the
     kernel picks, no clustering). Alerts posted to /api/v2/alerts as
     Prometheus would send them (labels of the rules in
     rules/redis-memwatch.rules.yml) come back with the inhibition the file
     means: a target's critical mutes that target's warning of the same
     alert and nobody else's; a group's critical mutes that group's warning
     and not another group's (a label missing from both alerts counts as
     equal in Alertmanager, the trap the file's matchers avoid); the
     check's alert mutes the raw-metric one on its target.

Nothing is delivered: group_wait (30 s) is longer than the test.
Exits 1 listing every failure, 0 otherwise.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

SECTION = "## Route the alerts with Alertmanager"
DEADLINE_S = 15


class Failure(Exception):
    """Stops the test with its message as the failure."""


def example_config(root):
    text = open(os.path.join(root, "docs", "prometheus.md"), encoding="utf-8").read()
    start = text.find(SECTION)
    if start < 0:
        raise Failure(f"docs/prometheus.md: no section {SECTION!r}")
    m = re.search(r"```yaml\n(.*?)```", text[start:], re.S)
    if not m:
        raise Failure("docs/prometheus.md: no ```yaml block in the Alertmanager section")
    return m.group(1).replace("${SLACK_WEBHOOK_URL}", "http://127.0.0.1:9/slack-webhook")


def binary(name):
    path = shutil.which(name)
    if not path:
        raise Failure(f"{name} not found (apt-get install prometheus-alertmanager)")
    return path


def http(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


def alert(**labels):
    return {"labels": labels, "annotations": {"summary": "test"}}


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    failures = []
    tmp = tempfile.mkdtemp(prefix="am-example-")
    proc = None
    try:
        config = os.path.join(tmp, "alertmanager.yml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(example_config(root))
        check = subprocess.run([binary("amtool"), "check-config", config],
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise Failure("amtool check-config failed:\n" + check.stdout + check.stderr)
        log_path = os.path.join(tmp, "alertmanager.log")
        with open(log_path, "w", encoding="utf-8") as log:
            proc = subprocess.Popen(
                [binary("prometheus-alertmanager"), "--config.file=" + config,
                 "--storage.path=" + os.path.join(tmp, "data"),
                 "--web.listen-address=127.0.0.1:0", "--cluster.listen-address="],
                stdout=log, stderr=subprocess.STDOUT)
        url, deadline = None, time.monotonic() + DEADLINE_S
        while url is None and time.monotonic() < deadline and proc.poll() is None:
            m = re.search(r'msg="Listening on" address=127\.0\.0\.1:(\d+)',
                          open(log_path, encoding="utf-8").read())
            if m:
                candidate = f"http://127.0.0.1:{m.group(1)}"
                try:
                    urllib.request.urlopen(candidate + "/-/ready", timeout=1)
                    url = candidate
                except OSError:
                    pass
            if url is None:
                time.sleep(0.05)
        if url is None:
            raise Failure("Alertmanager did not become ready:\n" + open(log_path).read())

        # What the rules send, as (alertname, the label it is about, its
        # value, severity): per target, per group, and the raw safety net.
        cases = {
            "target a critical": ("RedisMemwatchMemoryHigh", "target", "a", "critical"),
            "target a warning": ("RedisMemwatchMemoryHigh", "target", "a", "warning"),
            "target b warning": ("RedisMemwatchMemoryHigh", "target", "b", "warning"),
            "group orders critical": ("RedisMemwatchTimeToFull", "group", "orders", "critical"),
            "group orders warning": ("RedisMemwatchTimeToFull", "group", "orders", "warning"),
            "group carts warning": ("RedisMemwatchTimeToFull", "group", "carts", "warning"),
            "raw on target c": ("RedisMemoryFullSoon", "target", "c", "warning"),
            "check on target c": ("RedisMemwatchTimeToFull", "target", "c", "warning"),
        }
        posted = {name: alert(alertname=a, severity=sev, **{label: value})
                  for name, (a, label, value, sev) in cases.items()}
        muted = {"target a warning", "group orders warning", "raw on target c"}
        http("POST", url + "/api/v2/alerts", list(posted.values()))

        def key(labels):
            return tuple(sorted(labels.items()))

        by_labels = {key(a["labels"]): name for name, a in posted.items()}
        states, deadline = {}, time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline:
            states = {}
            for a in http("GET", url + "/api/v2/alerts"):
                labels = {k: v for k, v in a["labels"].items()}
                name = by_labels.get(key(labels))
                if name:
                    states[name] = bool(a["status"]["inhibitedBy"])
            if len(states) == len(posted) and all(states[n] == (n in muted) for n in posted):
                break
            time.sleep(0.05)
        for name in posted:
            if name not in states:
                failures.append(f"{name}: not among Alertmanager's alerts")
            elif states[name] != (name in muted):
                failures.append(f"{name}: {'inhibited' if states[name] else 'not inhibited'}, "
                                f"expected {'inhibited' if name in muted else 'not inhibited'}")
    except Failure as e:
        failures.append(str(e))
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print(f"FAILED: {f}", file=sys.stderr)
    print(f"alertmanager example: {'FAILED' if failures else 'OK'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
