#!/usr/bin/python3
"""Opens a page in Debian's headless chromium and reports what a person sees.

Drives chromium over the DevTools protocol on a pipe
(--remote-debugging-pipe: commands on fd 3, replies on fd 4, one JSON object
per NUL-terminated message), so it needs nothing beyond the standard library
and opens no port. Writes one JSON object to --out:

  requests        every URL the page requested (document, script, style,
                  fetch, favicon), in order
  console         console messages and log entries of level warning or error,
                  uncaught exceptions, and Content-Security-Policy violations
  dialogs         alert()/confirm() dialogs that opened (a script injected
                  through the page would open one)
  text            document.body.innerText after the page's own refreshes
  title           document.title
  scroll_width    document.documentElement.scrollWidth
  viewport_width  window.innerWidth (the emulated phone's width)
  status          the HTTP status of the page itself (null: it never loaded)
  refreshes       how many times the page fetched itself again
  refreshed       whether it did so --refreshes times before --timeout

Usage: browser.py --url URL --out RESULT.json [--screenshot FILE.png]
                  [--width 390 --height 844] [--refreshes 2] [--timeout 30]
Exits 0 when the page loaded, 1 with a message on stderr otherwise.
"""
import argparse
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

CHROMIUM = "/usr/bin/chromium"


class Browser:
    """One headless chromium and its DevTools pipe."""

    def __init__(self, profile_dir):
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire_pipes():
            # The child reads commands on fd 3 and writes replies on fd 4.
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
            "--remote-debugging-pipe", "--user-data-dir=" + profile_dir,
            "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-default-apps", "--disable-extensions",
            "--mute-audio", "about:blank",
        ]
        self._proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, preexec_fn=wire_pipes, pass_fds=(3, 4))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._next_id = 0
        self.events = []

    def close(self):
        try:
            self._proc.terminate()
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        os.close(self._to_chrome)
        os.close(self._from_chrome)

    def _read_message(self, deadline):
        while b"\0" not in self._buf:
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not answer in time")
            ready, _, _ = select.select([self._from_chrome], [], [], 0.2)
            if not ready:
                continue
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed its DevTools pipe")
            self._buf += chunk
        message, self._buf = self._buf.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=None, timeout=15):
        self._next_id += 1
        command = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            command["sessionId"] = session
        os.write(self._to_chrome, json.dumps(command).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            message = self._read_message(deadline)
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def pump(self, seconds):
        """Collects events for `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                self.events.append(self._read_message(deadline))
            except TimeoutError:
                break

    def wait_for(self, predicate, timeout):
        """Collects events until predicate(events) holds; False on timeout."""
        deadline = time.monotonic() + timeout
        while not predicate(self.events):
            try:
                self.events.append(self._read_message(deadline))
            except TimeoutError:
                return False
        return True


def requests_of(events, session):
    return [e["params"]["request"]["url"] for e in events
            if e.get("method") == "Network.requestWillBeSent" and e.get("sessionId") == session]


def refreshes_of(events, session, url):
    """The page's own fetches of itself (status.js), not navigations."""
    return sum(1 for e in events
               if e.get("method") == "Network.requestWillBeSent" and e.get("sessionId") == session
               and e["params"].get("type") in ("Fetch", "XHR")
               and e["params"]["request"]["url"] == url)


def document_status(events, session):
    for e in events:
        if (e.get("method") == "Network.responseReceived" and e.get("sessionId") == session
                and e["params"].get("type") == "Document"):
            return e["params"]["response"]["status"]
    return None


def console_of(events, session):
    found = []
    for e in events:
        if e.get("sessionId") != session:
            continue
        method, p = e.get("method"), e.get("params", {})
        if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
            found.append("console." + p["type"] + ": " +
                         " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            found.append("exception: " + d.get("text", "") + " " +
                         d.get("exception", {}).get("description", ""))
        elif method == "Log.entryAdded" and p["entry"].get("level") in ("error", "warning"):
            entry = p["entry"]
            found.append(f"log.{entry['level']} ({entry.get('source')}): {entry.get('text')} "
                         f"{entry.get('url', '')}")
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--screenshot")
    ap.add_argument("--width", type=int, default=390)
    ap.add_argument("--height", type=int, default=844)
    ap.add_argument("--refreshes", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=30)
    a = ap.parse_args()

    if not os.access(CHROMIUM, os.X_OK):
        print(f"browser.py: {CHROMIUM} is not installed (apt-get install chromium)", file=sys.stderr)
        return 1
    profile = tempfile.mkdtemp(prefix="memwatch-chromium-")
    browser = Browser(profile)
    try:
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.call("Target.attachToTarget",
                               {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.call(domain + ".enable", session=session)
        browser.call("Emulation.setDeviceMetricsOverride",
                     {"width": a.width, "height": a.height, "deviceScaleFactor": 2,
                      "mobile": True}, session=session)
        browser.call("Page.navigate", {"url": a.url}, session=session)
        loaded = browser.wait_for(
            lambda ev: any(e.get("method") == "Page.loadEventFired" and
                           e.get("sessionId") == session for e in ev), a.timeout)
        if not loaded:
            print(f"browser.py: {a.url} did not load within {a.timeout} s", file=sys.stderr)
            return 1
        # The page refreshes itself in place (status.js fetches it again):
        # wait for that to happen, so its errors would be seen too.
        page_url = a.url
        refreshed = browser.wait_for(
            lambda ev: refreshes_of(ev, session, page_url) >= a.refreshes, a.timeout)
        browser.pump(0.3)  # the last refresh's swap
        evaluate = lambda expr: browser.call(
            "Runtime.evaluate", {"expression": expr, "returnByValue": True},
            session=session)["result"].get("value")
        result = {
            "requests": requests_of(browser.events, session),
            "console": console_of(browser.events, session),
            "dialogs": [e["params"].get("message") for e in browser.events
                        if e.get("method") == "Page.javascriptDialogOpening"],
            "text": evaluate("document.body.innerText"),
            "title": evaluate("document.title"),
            "scroll_width": evaluate("document.documentElement.scrollWidth"),
            "viewport_width": evaluate("window.innerWidth"),
            "status": document_status(browser.events, session),
            "refreshes": refreshes_of(browser.events, session, page_url),
            "refreshed": refreshed,
        }
        if a.screenshot:
            # The whole page, not only the first screen of it.
            size = browser.call("Page.getLayoutMetrics", session=session)["cssContentSize"]
            shot = browser.call("Page.captureScreenshot",
                                {"format": "png", "captureBeyondViewport": True,
                                 "clip": {"x": 0, "y": 0, "width": size["width"],
                                          "height": size["height"], "scale": 1}},
                                session=session)
            with open(a.screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        with open(a.out, "w") as f:
            json.dump(result, f, indent=1)
        return 0
    except (RuntimeError, TimeoutError) as e:
        print(f"browser.py: {e}", file=sys.stderr)
        return 1
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
