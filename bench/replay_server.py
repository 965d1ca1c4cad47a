#!/usr/bin/python3
"""A stand-in for many Redis servers in one light process: listens on COUNT
loopback ports (ephemeral, chosen by the kernel, or --ports) and answers
PING, AUTH, SELECT, CLIENT, HELLO-less RESP2 clients, and INFO with any
sections with one real INFO capture. Writes the bound ports, one per line,
to --ports-file once all are listening. Stops on SIGTERM/SIGINT.

Usage: replay_server.py --count 800 --info tests/fixtures/info/redis-7.0.txt \
           --ports-file /tmp/ports.txt"""

import argparse
import asyncio
import os
import signal
import sys


def load_info(path):
    with open(path, "rb") as f:
        text = f.read()
    # Redis ends lines with CRLF; captures may have lost the CR.
    text = text.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return b"$%d\r\n%s\r\n" % (len(text), text)


class Counters:
    commands = 0
    connections = 0


def parse_command(buf):
    """(argv, rest) for one complete command at the head of buf, or (None, buf)."""
    if not buf:
        return None, buf
    if buf[:1] != b"*":  # inline command
        end = buf.find(b"\r\n")
        if end < 0:
            return None, buf
        return buf[:end].split(), buf[end + 2:]
    end = buf.find(b"\r\n")
    if end < 0:
        return None, buf
    n = int(buf[1:end])
    pos, argv = end + 2, []
    for _ in range(n):
        end = buf.find(b"\r\n", pos)
        if end < 0 or buf[pos:pos + 1] != b"$":
            return None, buf
        length = int(buf[pos + 1:end])
        start = end + 2
        if len(buf) < start + length + 2:
            return None, buf
        argv.append(buf[start:start + length])
        pos = start + length + 2
    return argv, buf[pos:]


class RespProtocol(asyncio.Protocol):
    """One client connection: answers each complete command at once.
    asyncio.Protocol rather than streams: a burst of 1,000 INFO requests
    must be answered in milliseconds, or the bench measures this server."""

    info_reply = b""

    def connection_made(self, transport):
        Counters.connections += 1
        self.transport = transport
        self.buf = b""

    def data_received(self, data):
        self.buf += data
        out = []
        while True:
            try:
                argv, self.buf = parse_command(self.buf)
            except ValueError:
                self.transport.close()
                return
            if argv is None:
                break
            Counters.commands += 1
            cmd = argv[0].upper() if argv else b""
            if cmd == b"INFO":
                out.append(self.info_reply)
            elif cmd == b"PING":
                out.append(b"+PONG\r\n")
            elif cmd in (b"AUTH", b"SELECT", b"CLIENT"):
                out.append(b"+OK\r\n")
            elif cmd == b"QUIT":
                out.append(b"+OK\r\n")
                self.transport.write(b"".join(out))
                self.transport.close()
                return
            else:
                out.append(b"-ERR unknown command '%s'\r\n" % cmd[:32])
        if out:
            self.transport.write(b"".join(out))


async def serve(args):
    RespProtocol.info_reply = load_info(args.info)
    loop = asyncio.get_running_loop()
    servers, ports = [], []
    wanted = [int(p) for p in args.ports.split(",")] if args.ports else [0] * args.count
    for p in wanted:
        s = await loop.create_server(RespProtocol, "127.0.0.1", p, backlog=64,
                                     reuse_address=True)
        servers.append(s)
        ports.append(s.sockets[0].getsockname()[1])
    tmp = args.ports_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(map(str, ports)) + "\n")
    os.replace(tmp, args.ports_file)  # readers see all ports or none
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if args.max_seconds:
        loop.call_later(args.max_seconds, stop.set)  # bounded even if orphaned
    await stop.wait()
    for s in servers:
        s.close()
    print(f"replay_server: {Counters.connections} connections, {Counters.commands} commands",
          file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--ports", default="", help="comma-separated ports instead of --count")
    ap.add_argument("--info", required=True)
    ap.add_argument("--ports-file", required=True)
    ap.add_argument("--max-seconds", type=float, default=3600)
    args = ap.parse_args()
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
