"""A stand-in for the Microsoft side of a deployment, for checking compose.yaml on a machine without Azure.

Runs in the compose network (deploy/compose.smoke.yaml) on the timebot image's Python and serves, over HTTPS
with a certificate it makes at start (its CA is written to /smoke/ca.pem for the bots to trust):

- Bot Framework's OpenID metadata and signing keys (`TIMEBOT_OPENID_METADATA_URL`), so the replicas validate
  inbound JWTs as in production; `POST /smoke/token` mints one for the smoke driver;
- the App Service managed-identity endpoint (`IDENTITY_ENDPOINT`), which MSAL asks for the outbound token
  (`MicrosoftAppType=UserAssignedMSI`);
- the Bot Connector (`POST /v3/conversations/{id}/activities[/{reply to}]`), recording what the bots send;
  `GET /smoke/activities` lists it.

Not part of the bot: only the compose smoke check (docs/deploy.md) uses it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import itertools
import json
import ssl
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"
OUT = Path("/smoke")
PORT = 8443
SIGNING = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KID = f"smoke-{uuid.uuid4().hex[:8]}"
received: list[dict[str, Any]] = []
ids = itertools.count(1)


def certificate() -> ssl.SSLContext:
    """A self-signed certificate for the service's names; its PEM is the CA the bots are told to trust."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "teams")])
    now = dt.datetime.now(dt.UTC)
    loopback = x509.IPAddress(ipaddress.ip_address("127.0.0.1"))
    alt = [x509.DNSName("teams"), x509.DNSName("localhost"), loopback]
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "ca.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path = OUT / "key.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(OUT / "ca.pem", key_path)
    return context


async def metadata(request: web.Request) -> web.Response:
    base = f"https://{request.host}"
    return web.json_response({"issuer": ISSUER, "jwks_uri": f"{base}/v1/.well-known/keys"})


async def keys(_request: web.Request) -> web.Response:
    jwk = json.loads(RSAAlgorithm.to_jwk(SIGNING.public_key()))
    jwk.update({"kid": KID, "use": "sig", "alg": "RS256", "endorsements": ["msteams"]})
    return web.json_response({"keys": [jwk]})


async def managed_identity(request: web.Request) -> web.Response:
    if not request.headers.get("X-IDENTITY-HEADER"):
        return web.json_response({"statusCode": 400, "message": "no identity header"}, status=400)
    resource = request.query.get("resource", "")
    return web.json_response(
        {"access_token": f"smoke-{uuid.uuid4().hex}", "expires_on": str(int(time.time()) + 3600),
         "resource": resource, "token_type": "Bearer"}
    )  # fmt: skip


async def mint(request: web.Request) -> web.Response:
    body = await request.json()
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": body["audience"], "serviceurl": body["serviceUrl"],
              "nbf": now - 60, "iat": now - 60, "exp": now + 3600}  # fmt: skip
    token = jwt.encode(claims, SIGNING, algorithm="RS256", headers={"kid": KID})
    return web.json_response({"token": token})


async def activity(request: web.Request) -> web.Response:
    if not request.headers.get("Authorization", "").startswith("Bearer smoke-"):
        return web.json_response({"error": {"code": "Unauthorized"}}, status=401)
    payload = await request.json()
    new_id = f"smoke-activity-{next(ids)}"
    received.append({"conversation": request.match_info["conversation"], "id": new_id, "activity": payload})
    return web.json_response({"id": new_id}, status=201)


async def activities(_request: web.Request) -> web.Response:
    return web.json_response(received)


def main() -> None:
    app = web.Application()
    app.router.add_get("/v1/.well-known/openidconfiguration", metadata)
    app.router.add_get("/v1/.well-known/keys", keys)
    app.router.add_get("/msi/token", managed_identity)
    app.router.add_post("/smoke/token", mint)
    app.router.add_get("/smoke/activities", activities)
    app.router.add_post("/v3/conversations/{conversation}/activities", activity)
    app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", activity)
    web.run_app(app, host="0.0.0.0", port=PORT, ssl_context=certificate(), access_log=None)


if __name__ == "__main__":
    main()
