"""A real SMTP server for the tests: aiosmtpd (Debian's python3-aiosmtpd) on 127.0.0.1, as strict
as a mail relay a team uses: STARTTLS before anything else (or TLS from the first byte with
--implicit-tls), AUTH required, and only over TLS. Each message it accepts is written to the
output folder as <n>.eml (the message as received) beside <n>.json (the envelope), for the test
to read back. Prints "ready <port>" once it listens.

Usage: smtp_server.py --port P --cert C --key K --out DIR --user U --password-env VAR [--implicit-tls]
"""
import argparse
import json
import os
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Store:
    def __init__(self, out):
        self.out = out
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.out, str(self.count))
        with open(base + ".eml.part", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".json.part", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos, "tls": session.ssl is not None}, f)
        # Whole files only: the reader never sees half a message.
        os.rename(base + ".json.part", base + ".json")
        os.rename(base + ".eml.part", base + ".eml")
        return "250 Message accepted for delivery"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password-env", required=True)
    p.add_argument("--implicit-tls", action="store_true")
    a = p.parse_args()
    password = os.environ[a.password_env].encode()

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == a.user.encode()
            and auth_data.password == password
        )
        # handled=False: aiosmtpd answers 535 itself (its default, handled=True, answers nothing).
        return AuthResult(success=ok, handled=False)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(a.cert, a.key)
    common = dict(
        hostname="127.0.0.1",
        port=a.port,
        authenticator=authenticate,
        auth_required=True,
        auth_require_tls=True,
        data_size_limit=10 * 1024 * 1024,
    )
    if a.implicit_tls:
        # aiosmtpd's auth_require_tls looks for STARTTLS only; here every byte is TLS already.
        common["auth_require_tls"] = False
        controller = Controller(Store(a.out), ssl_context=context, **common)
    else:
        controller = Controller(Store(a.out), tls_context=context, require_starttls=True, **common)
    controller.start()
    print(f"ready {a.port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
