#!/usr/bin/python3
"""SMTP receiver for the email notifier integration tests (aiosmtpd).

Listens on 127.0.0.1 on a port the kernel picks (asyncio create_server on
port 0, so there is no pick-then-bind race) and prints "PORT <n>". Every
accepted message is written to --dir as msg-<n>.eml (the DATA as received)
with msg-<n>.json beside it ({"mail_from", "rcpt_tos"}), each via a
temporary file and rename so readers never see half a file.

With --cert/--key: STARTTLS is required before anything else and AUTH
(PLAIN/LOGIN, only after STARTTLS) must succeed with --user/--password;
the authenticator returns AuthResult(handled=False) so a wrong password
gets a proper 535. Runs until killed.
"""
import argparse
import asyncio
import itertools
import json
import os
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default="")
    args = parser.parse_args()
    # aiosmtpd 1.4 warns about its own Session.login_data when AUTH runs.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    counter = itertools.count(1)

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            n = next(counter)
            base = os.path.join(args.dir, "msg-%d" % n)
            for suffix, data in ((".json", json.dumps({"mail_from": envelope.mail_from,
                                                       "rcpt_tos": envelope.rcpt_tos}).encode()),
                                 (".eml", envelope.original_content or envelope.content)):
                with open(base + suffix + ".tmp", "wb") as f:
                    f.write(data)
                os.rename(base + suffix + ".tmp", base + suffix)
            return "250 Message accepted for delivery"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (auth_data.login.decode() == args.user and
              auth_data.password.decode() == args.password)
        return AuthResult(success=ok, handled=False)

    def factory():
        if args.cert:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(args.cert, args.key)
            return SMTP(Handler(), hostname="localhost", tls_context=context,
                        require_starttls=True, auth_require_tls=True, auth_required=True,
                        authenticator=authenticator)
        return SMTP(Handler(), hostname="localhost")

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(factory, "127.0.0.1", 0))
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    loop.run_forever()


if __name__ == "__main__":
    sys.exit(main())
