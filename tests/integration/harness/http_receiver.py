#!/usr/bin/python3
"""Scripted HTTP receiver for the notifier integration tests.

Listens on 127.0.0.1 on a port the kernel picks, prints "PORT <n>" on
stdout, then answers each POST with the next entry of --script (a JSON list
of {"status": 500, "body": "...", "retry_after": "1", "delay_ms": 0}); once
the script is used up it answers 200 "ok". An entry with "until" (a
time.monotonic() value) answers every POST until then instead of one.
Every POST is appended to --log as one JSON line: {"t": <monotonic
seconds>, "path", "headers", "body", "status"} - written in one write()
after the answer is chosen, so a reader never sees half a line. Runs until
killed.
"""
import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--script", default="[]")
    args = parser.parse_args()
    script = json.loads(args.script)
    lock = threading.Lock()
    log = os.open(args.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode("utf-8", "replace")
            with lock:
                now = time.monotonic()
                while script and "until" in script[0] and now >= script[0]["until"]:
                    script.pop(0)
                if script and "until" in script[0]:
                    answer = script[0]
                else:
                    answer = script.pop(0) if script else {"status": 200, "body": "ok"}
                record = {"t": now, "path": self.path,
                          "headers": dict(self.headers.items()), "body": body,
                          "status": answer["status"]}
                os.write(log, (json.dumps(record) + "\n").encode())
            if answer.get("delay_ms"):
                time.sleep(answer["delay_ms"] / 1000.0)
            payload = answer.get("body", "").encode()
            try:
                self.send_response(answer["status"])
                if "retry_after" in answer:
                    self.send_header("Retry-After", answer["retry_after"])
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

        def log_message(self, *unused):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
