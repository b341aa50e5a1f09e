"""Microsoft's side of a deployed bot, on loopback, as its own process: `python -m bench.teams <folder>`.

* **Bot Connector** (`http://127.0.0.1:<port>`, the activities' `serviceUrl`): takes replies only with a
  bearer token that the fake Entra below issued (else 401), and enforces Teams' limits — per conversation
  7 in 1 s, 8 in 2 s, 60 in 30 s, 1,800 in an hour; per app per tenant 50 in 1 s — answering a send over a
  limit 429 with `Retry-After` (whole seconds, as Teams does); such a send does not count. `GET /stats` gives
  the counts (accepted, 429s per limit, sends that came while their `Retry-After` still ran, 401s) and what
  the replies said (their first line, digits folded, the 12 most common); `POST /reset` zeroes them.
  `GET /bench/token` hands out a valid bearer token (for the bare anchor, which has no Entra client).
* **Entra ID token endpoint** for the bot's outbound token (MSAL's client-credentials flow against
  `https://login.microsoftonline.com/<tenant>`): a TLS server with a self-signed certificate for that host,
  reached through an HTTP `CONNECT` proxy here. The bot process gets `HTTPS_PROXY=<proxy>` and
  `REQUESTS_CA_BUNDLE=<folder>/entra.pem` (requests, under MSAL, honours both), so its settings stay the
  real ones (`MicrosoftAppId`, `MicrosoftAppPassword`, `MicrosoftAppTenantId`).

Prints `READY <connector port> <proxy port>` once everything listens.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import math
import re
import secrets
import ssl
import sys
import time
from collections import Counter, deque
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jwt
from aiohttp import web

LOGIN_HOST = "login.microsoftonline.com"
PER_CONVERSATION = ((7, 1.0), (8, 2.0), (60, 30.0), (1800, 3600.0))
PER_TENANT = ((50, 1.0),)
SAMPLES = 12


class Windows:
    """Sliding windows over the admitted sends of one conversation or tenant."""

    __slots__ = ("longest", "retry_until", "stamps", "windows")

    def __init__(self, windows: tuple[tuple[int, float], ...]) -> None:
        self.windows = windows
        self.longest = max(p for _n, p in windows)
        self.stamps: deque[float] = deque()
        self.retry_until = 0.0  # the end of the last Retry-After given

    def wait(self, now: float) -> float:
        stamps = self.stamps
        while stamps and stamps[0] <= now - self.longest:
            stamps.popleft()
        delay = 0.0
        for max_calls, period in self.windows:
            if len(stamps) >= max_calls and stamps[-max_calls] > now - period:
                delay = max(delay, stamps[-max_calls] + period - now)
        return delay


def _first_line(activity: dict[str, Any]) -> str:
    """What a reply said, for the sample: its text, else the first text of its card."""
    text = activity.get("text") or ""
    if not text:
        for attachment in activity.get("attachments") or []:
            text = _card_text(attachment.get("content"))
            if text:
                break
    line = str(text).strip().splitlines()[0] if str(text).strip() else "(no text)"
    return re.sub(r"\d+", "#", line)[:70]


def _card_text(node: Any) -> str:
    if isinstance(node, dict):
        if node.get("type") == "TextBlock" and node.get("text"):
            return str(node["text"])
        for value in node.values():
            if found := _card_text(value):
                return found
    elif isinstance(node, list):
        for item in node:
            if found := _card_text(item):
                return found
    return ""


class Connector:
    def __init__(self, issued: set[str]) -> None:
        self.issued = issued
        self.conversations: dict[str, Windows] = {}
        self.tenants: dict[str, Windows] = {}
        self.ids = itertools.count(1)
        self.reset()

    def reset(self) -> None:
        self.accepted = 0
        self.over_conversation = 0  # 429: a per-conversation window was full
        self.over_tenant = 0  # 429: the tenant's 50/s was full
        self.during_retry_after = 0  # a send that came before its Retry-After had passed
        self.unauthorized = 0
        self.said: Counter[str] = Counter()

    def stats(self) -> dict[str, Any]:
        return {
            "count": self.accepted,
            "accepted": self.accepted,
            "over_conversation": self.over_conversation,
            "over_tenant": self.over_tenant,
            "throttled": self.over_conversation + self.over_tenant,
            "during_retry_after": self.during_retry_after,
            "unauthorized": self.unauthorized,
            "said": self.said.most_common(SAMPLES),
        }

    async def activity(self, request: web.Request) -> web.Response:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or header[7:] not in self.issued:
            self.unauthorized += 1
            return web.json_response({"error": {"code": "Unauthorized"}}, status=401)
        body = await request.json()
        conversation = unquote(request.match_info["conversation"])
        tenant = str((body.get("conversation") or {}).get("tenantId") or "")
        now = time.monotonic()
        mine = self.conversations.get(conversation)
        if mine is None:
            mine = self.conversations[conversation] = Windows(PER_CONVERSATION)
        theirs = self.tenants.get(tenant)
        if theirs is None:
            theirs = self.tenants[tenant] = Windows(PER_TENANT)
        if now < max(mine.retry_until, theirs.retry_until):
            self.during_retry_after += 1
        by_conversation, by_tenant = mine.wait(now), theirs.wait(now)
        if by_conversation > 0 or by_tenant > 0:
            if by_conversation >= by_tenant:
                self.over_conversation += 1
            else:
                self.over_tenant += 1
            retry = max(1, math.ceil(max(by_conversation, by_tenant)))
            blocked = mine if by_conversation >= by_tenant else theirs
            blocked.retry_until = max(blocked.retry_until, now + retry)
            return web.json_response(
                {"error": {"code": "ThrottledRequest", "message": "Too many requests"}},
                status=429,
                headers={"Retry-After": str(retry)},
            )
        mine.stamps.append(now)
        theirs.stamps.append(now)
        self.accepted += 1
        self.said[_first_line(body)] += 1
        if len(self.said) > 200:  # keep it small: only the common ones matter
            self.said = Counter(dict(self.said.most_common(SAMPLES)))
        activity_id = request.match_info.get("activity") if request.method == "PUT" else None
        return web.json_response({"id": activity_id or f"r{next(self.ids)}"}, status=201)

    def app(self, token: Any) -> web.Application:
        async def stats(_request: web.Request) -> web.Response:
            return web.json_response(self.stats())

        async def reset(_request: web.Request) -> web.Response:
            self.reset()
            return web.json_response(self.stats())

        async def bench_token(_request: web.Request) -> web.Response:
            return web.json_response({"access_token": token()})

        app = web.Application()
        for prefix in ("", "/{region}"):
            base = prefix + "/v3/conversations/{conversation}/activities"
            app.router.add_post(base, self.activity)
            app.router.add_post(base + "/{activity}", self.activity)
            app.router.add_put(base + "/{activity}", self.activity)
        app.router.add_get("/stats", stats)
        app.router.add_post("/reset", reset)
        app.router.add_get("/bench/token", bench_token)
        return app


class Entra:
    """The parts of `login.microsoftonline.com` MSAL's client-credentials flow uses."""

    def __init__(self, issued: set[str]) -> None:
        self.issued = issued
        self.key = secrets.token_bytes(32)
        self.tokens = 0

    def token(self) -> str:
        now = int(time.time())
        claims = {"aud": "https://api.botframework.com", "iat": now, "exp": now + 3600, "n": self.tokens}
        self.tokens += 1
        token = jwt.encode(claims, self.key, algorithm="HS256")
        self.issued.add(token)
        return token

    def app(self) -> web.Application:
        async def openid(request: web.Request) -> web.Response:
            tenant = request.match_info["tenant"]
            base = f"https://{LOGIN_HOST}/{tenant}"
            return web.json_response(
                {
                    "issuer": f"{base}/v2.0",
                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                    "token_endpoint": f"{base}/oauth2/v2.0/token",
                }
            )

        async def instance(_request: web.Request) -> web.Response:
            return web.json_response(
                {
                    "tenant_discovery_endpoint": f"https://{LOGIN_HOST}/common/v2.0/.well-known/openid-configuration",
                    "metadata": [{"preferred_network": LOGIN_HOST, "aliases": [LOGIN_HOST]}],
                }
            )

        async def token(request: web.Request) -> web.Response:
            form = await request.post()
            if form.get("grant_type") != "client_credentials" or not form.get("client_secret"):
                return web.json_response({"error": "unsupported_grant_type"}, status=400)
            return web.json_response(
                {"token_type": "Bearer", "expires_in": 3599, "access_token": self.token()}
            )

        app = web.Application()
        app.router.add_get("/common/discovery/instance", instance)
        app.router.add_get("/{tenant}/v2.0/.well-known/openid-configuration", openid)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", token)
        return app


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for login.microsoftonline.com (its own CA), as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, LOGIN_HOST)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(LOGIN_HOST)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "entra.pem", folder / "entra.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def connect_proxy(target_port: int) -> asyncio.Server:
    """An HTTP CONNECT proxy that sends every tunnel to the local Entra TLS server."""

    async def tunnel(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"CONNECT "):
            writer.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            writer.close()
            return
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", target_port)
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))

    return await asyncio.start_server(tunnel, "127.0.0.1", 0)


async def main(folder: Path) -> None:
    issued: set[str] = set()
    entra = Entra(issued)
    connector = Connector(issued)
    cert_path, key_path = certificate(folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)

    runners = []
    entra_runner = web.AppRunner(entra.app(), access_log=None)
    await entra_runner.setup()
    await web.TCPSite(entra_runner, "127.0.0.1", 0, ssl_context=context).start()
    runners.append(entra_runner)
    proxy = await connect_proxy(entra_runner.addresses[0][1])

    runner = web.AppRunner(connector.app(entra.token), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0, backlog=4096).start()
    runners.append(runner)
    proxy_port = proxy.sockets[0].getsockname()[1]
    print(f"READY {runner.addresses[0][1]} {proxy_port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        proxy.close()
        for r in runners:
            await r.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path, help="where the TLS certificate is written")
    try:
        asyncio.run(main(parser.parse_args().folder))
    except KeyboardInterrupt:
        sys.exit(0)
