#!/usr/bin/python3
"""A real SMTP server (aiosmtpd) for the smtp check tests, on three loopback ports:

  plain     AUTH PLAIN/LOGIN without TLS, no STARTTLS
  implicit  TLS from the first byte (SMTPS)
  starttls  STARTTLS required before AUTH
  helo      an old server that refuses EHLO (only HELO), no AUTH

Delivered messages are written to MAILDIR as files, so tests can see what was sent.
Usage: smtp_server.py PLAIN_PORT IMPLICIT_PORT STARTTLS_PORT HELO_PORT CERT KEY USER PASSWORD MAILDIR
"""
import os
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class HeloOnlySMTP(SMTP):
    async def smtp_EHLO(self, hostname):
        await self.push("502 5.5.2 Error: command not recognized")


class HeloOnlyController(Controller):
    def factory(self):
        return HeloOnlySMTP(self.handler, **self.SMTP_kwargs)


def main():
    plain, implicit, starttls, helo = (int(p) for p in sys.argv[1:5])
    cert, key, user, password, maildir = sys.argv[5:10]
    os.makedirs(maildir, exist_ok=True)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode()
        # handled=False: aiosmtpd then answers 535 itself.
        return AuthResult(success=ok, handled=False)

    class Handler:
        count = 0

        async def handle_DATA(self, server, session, envelope):
            Handler.count += 1
            path = os.path.join(maildir, f"{os.getpid()}-{Handler.count}.eml")
            with open(path, "wb") as f:
                f.write(f"X-Envelope-From: {envelope.mail_from}\r\nX-Envelope-To: {','.join(envelope.rcpt_tos)}\r\n".encode())
                f.write(envelope.original_content or envelope.content)
            return "250 OK message accepted"

    def context():
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
        return ctx

    common = dict(authenticator=authenticator, hostname="127.0.0.1", ident="conn-check test SMTP")
    controllers = [
        Controller(Handler(), port=plain, auth_require_tls=False, **common),
        Controller(Handler(), port=implicit, ssl_context=context(), auth_require_tls=False, **common),
        Controller(Handler(), port=starttls, tls_context=context(), require_starttls=True, **common),
        HeloOnlyController(Handler(), port=helo, hostname="127.0.0.1", ident="conn-check test old SMTP"),
    ]
    for c in controllers:
        c.start()

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    print("ready", flush=True)
    done.wait()
    for c in controllers:
        c.stop()


if __name__ == "__main__":
    main()
