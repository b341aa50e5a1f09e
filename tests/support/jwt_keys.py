"""A local Bot Framework token issuer: RSA key, OpenID metadata + JWKS, and token minting.

The metadata is served by a *threaded* `http.server` on 127.0.0.1 — botbuilder fetches it with blocking
`requests.get`, so it must not be served from the test's event loop. Point the bot at it with
`TIMEBOT_OPENID_METADATA_URL=<issuer.metadata_url>` and `TIMEBOT_TOKEN_ISSUER=https://api.botframework.com`,
and call `clear_botbuilder_key_cache()` between tests that use different keys.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
METADATA_PATH = "/v1/.well-known/openidconfiguration"
KEYS_PATH = "/v1/.well-known/keys"


def clear_botbuilder_key_cache() -> None:
    """botbuilder caches OpenID metadata process-wide (24 h) by URL."""
    from botframework.connector.auth import JwtTokenExtractor

    JwtTokenExtractor.metadataCache.clear()


class SigningKey:
    def __init__(self, kid: str | None = None, endorsements: tuple[str, ...] = ("msteams",)) -> None:
        self.kid = kid or f"test-{uuid.uuid4().hex[:8]}"
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.endorsements = list(endorsements)

    def jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256", "endorsements": self.endorsements})
        return jwk


class TokenIssuer:
    """Serves metadata/JWKS for `keys` and mints tokens signed by them. Use as a context manager."""

    def __init__(self, keys: list[SigningKey] | None = None, issuer: str = BOT_FRAMEWORK_ISSUER) -> None:
        self.keys = keys or [SigningKey()]
        self.issuer = issuer
        self.metadata_requests = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    @property
    def metadata_url(self) -> str:
        return self.base_url + METADATA_PATH

    def start(self) -> TokenIssuer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == METADATA_PATH:
                    owner.metadata_requests += 1
                    body = {
                        "issuer": owner.issuer,
                        "jwks_uri": owner.base_url + KEYS_PATH,
                        "id_token_signing_alg_values_supported": ["RS256"],
                    }
                elif self.path == KEYS_PATH:
                    body = {"keys": [k.jwk() for k in owner.keys]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="jwks", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> TokenIssuer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def mint(
        self,
        *,
        audience: str,
        service_url: str,
        key: SigningKey | None = None,
        kid: str | None = None,
        issuer: str | None = None,
        lifetime: float = 3600.0,
        not_before_offset: float = -60.0,
        extra: dict[str, Any] | None = None,
    ) -> str:
        """An RS256 token like the Bot Framework channel's (`iss`, `aud`, `serviceurl`, `exp`, `nbf`)."""
        signer = key or self.keys[0]
        now = time.time()
        claims: dict[str, Any] = {
            "iss": issuer or self.issuer,
            "aud": audience,
            "serviceurl": service_url,
            "nbf": int(now + not_before_offset),
            "iat": int(now + not_before_offset),
            "exp": int(now + lifetime),
        }
        claims.update(extra or {})
        return jwt.encode(claims, signer.private_key, algorithm="RS256", headers={"kid": kid or signer.kid})
