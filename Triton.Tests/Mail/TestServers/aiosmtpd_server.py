"""A real SMTP peer for Triton's interop tests: aiosmtpd with STARTTLS required before AUTH.

Usage: aiosmtpd_server.py CERT KEY USERNAME PASSWORD OUTDIR
Listens on a free local port, prints "READY <port>" once accepting, and writes each accepted
message to OUTDIR/<n>.eml with OUTDIR/<n>.json (envelope, TLS and authenticated user) beside it.
"""
import asyncio, json, os, socket, ssl, sys
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

cert, key, username, password, outdir = sys.argv[1:6]


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == username \
        and auth_data.password.decode() == password
    return AuthResult(success=ok, handled=False)


class Save:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(outdir, str(self.count))
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".json", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos, "tls": session.ssl is not None,
                       "user": session.login_data.decode() if isinstance(session.login_data, bytes) else session.login_data,
                       "authenticated": bool(session.authenticated)}, f)
        return "250 2.0.0 saved"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
port = free_port()
controller = Controller(Save(), hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                        authenticator=authenticate, auth_require_tls=True, auth_exclude_mechanism=["CRAM-MD5"],
                        server_hostname="localhost", ready_timeout=10)
controller.start()
print(f"READY {port}", flush=True)
try:
    sys.stdin.read()  # the test closes stdin to stop the server
finally:
    controller.stop()
