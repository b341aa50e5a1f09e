"""A fake Microsoft Entra ID on loopback, spoken to by the real MSAL library and the bot's own validator.

It serves what MSAL and Teams SSO use of `https://login.microsoftonline.com`:
- OpenID configuration, v2 (`/{tenant}/v2.0/.well-known/openid-configuration`, issuer
  `https://login.microsoftonline.com/{tid}/v2.0`) and v1 (`/{tenant}/.well-known/openid-configuration`, issuer
  `https://sts.windows.net/{tid}/`); an unknown tenant is 400 `invalid_tenant`, as Entra answers;
- the JWKS of a locally generated RSA key (`/{tenant}/discovery/v2.0/keys`, `/common/discovery/keys`);
- `/{tenant}/oauth2/v2.0/authorize`: the browser's signed-in user is the `fake-entra-user` cookie; it checks
  client, redirect URI and the PKCE challenge, records consent, and answers `form_post` (an auto-submitting
  HTML form) or a 302 with `code` and `state`;
- `/{tenant}/oauth2/v2.0/token`: `authorization_code` (single use, redirect URI and S256 `code_verifier`
  checked), `refresh_token` (revocable), and on-behalf-of (`jwt-bearer` + `requested_token_use=on_behalf_of`:
  the assertion's signature, expiry and audience checked), with client authentication by secret or
  certificate assertion; errors as Entra words them (`invalid_grant` + AADSTS code, `suberror`
  `consent_required`, `interaction_required` for MFA, `invalid_client`).
Access and ID tokens are RS256 JWTs signed with the fake's key, so resource fakes (timeghost, Graph) can check
them with `verify`. `http()` is a `requests.Session` that sends `https://login.microsoftonline.com/…` to the
loopback server — handed to MSAL as its `http_client` and used by the test "browser".
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import requests

from tests.support.jwt_keys import SigningKey

INSTANCE = "https://login.microsoftonline.com"
V1_ISSUER = "https://sts.windows.net/{tid}/"
V2_ISSUER = INSTANCE + "/{tid}/v2.0"
OIDC_SCOPES = frozenset({"openid", "profile", "offline_access", "email"})
GENERIC_TENANTS = frozenset({"organizations", "common"})
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CLIENT_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclass
class EntraUser:
    tenant_id: str
    oid: str
    upn: str
    name: str
    consented: set[str] = field(default_factory=set)  # fully qualified scopes
    mfa_required: bool = False  # every token request answers interaction_required


@dataclass
class EntraApp:
    client_id: str
    secret: str | None
    redirect_uris: list[str]
    sso_resource: str | None = None  # api://botid-<client id>
    certificate_thumbprint: str | None = None  # hex SHA-1 of the DER certificate
    public_key: Any = None


@dataclass
class _Code:
    client_id: str
    user: EntraUser
    redirect_uri: str
    scopes: list[str]
    challenge: str
    nonce: str | None
    expires: float
    redeemed: bool = False


@dataclass
class _Grant:
    client_id: str
    user: EntraUser
    revoked: bool = False


class EntraError(Exception):
    def __init__(
        self, error: str, code: int, description: str, *, status: int = 400, suberror: str = ""
    ) -> None:
        super().__init__(error)
        self.body: dict[str, Any] = {
            "error": error,
            "error_description": f"AADSTS{code}: {description} Trace ID: {uuid.uuid4()}",
            "error_codes": [code],
            "timestamp": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime()),
            "trace_id": str(uuid.uuid4()),
            "correlation_id": str(uuid.uuid4()),
        }
        if suberror:
            self.body["suberror"] = suberror
        self.status = status


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class FakeEntra:
    """Use as a context manager (or `start()`/`stop()`); all state is guarded by one lock."""

    def __init__(self, *, access_token_lifetime: int = 3600) -> None:
        self.key = SigningKey(endorsements=())
        self.access_token_lifetime = access_token_lifetime
        self.tenants: set[str] = set()
        self.users: dict[str, EntraUser] = {}
        self.apps: dict[str, EntraApp] = {}
        self.admin_consent: dict[str, set[str]] = {}  # tenant → scopes consented for everyone
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # (method, path, form/query) — no tokens
        self._codes: dict[str, _Code] = {}
        self._grants: dict[str, _Grant] = {}
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self.base_url = ""

    # ---- set-up ------------------------------------------------------------------------------------------

    def start(self) -> FakeEntra:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner._dispatch(self, "GET")

            def do_POST(self) -> None:
                owner._dispatch(self, "POST")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeEntra:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def http(self) -> requests.Session:
        """A `requests.Session` sending `https://login.microsoftonline.com` here (MSAL's http_client)."""
        return RoutedSession({INSTANCE: self.base_url})

    def add_user(
        self, upn: str, name: str, *, tenant_id: str | None = None, oid: str | None = None
    ) -> EntraUser:
        user = EntraUser(tenant_id or str(uuid.uuid4()), oid or str(uuid.uuid4()), upn, name)
        with self._lock:
            self.tenants.add(user.tenant_id)
            self.users[user.oid] = user
        return user

    def register_app(
        self,
        client_id: str,
        secret: str | None = None,
        *,
        redirect_uris: list[str] | None = None,
        sso_resource: str | None = None,
        certificate: Any = None,
    ) -> EntraApp:
        """`certificate`: a `cryptography` x509 certificate whose key signs the client assertions."""
        app = EntraApp(
            client_id, secret, list(redirect_uris or []), sso_resource or f"api://botid-{client_id}"
        )
        if certificate is not None:
            from cryptography.hazmat.primitives.serialization import Encoding

            app.certificate_thumbprint = hashlib.sha1(certificate.public_bytes(Encoding.DER)).hexdigest()
            app.public_key = certificate.public_key()
        with self._lock:
            self.apps[client_id] = app
        return app

    def consent(self, user: EntraUser, *scopes: str) -> None:
        with self._lock:
            user.consented.update(scopes)

    def revoke(self, user: EntraUser) -> None:
        """Revoke every refresh token of `user` (a password reset, an admin's "revoke sessions")."""
        with self._lock:
            for grant in self._grants.values():
                if grant.user is user:
                    grant.revoked = True

    # ---- tokens ------------------------------------------------------------------------------------------

    def _sign(self, claims: dict[str, Any], key: SigningKey | None = None, kid: str | None = None) -> str:
        signer = key or self.key
        return jwt.encode(claims, signer.private_key, algorithm="RS256", headers={"kid": kid or signer.kid})

    def sso_token(
        self,
        user: EntraUser,
        audience: str,
        *,
        version: int = 2,
        lifetime: float = 3600,
        key: SigningKey | None = None,
        kid: str | None = None,
        issuer: str | None = None,
        tenant_id: str | None = None,
        scp: str = "access_as_user",
    ) -> str:
        """The token the Teams client sends in `signin/tokenExchange` (aud: the app's `api://…` resource)."""
        tid = tenant_id or user.tenant_id
        now = int(time.time())
        claims = {
            "aud": audience,
            "iss": issuer or (V2_ISSUER if version == 2 else V1_ISSUER).format(tid=tid),
            "iat": now - 60,
            "nbf": now - 60,
            "exp": int(now + lifetime),
            "tid": tid,
            "oid": user.oid,
            "sub": _b64(hashlib.sha256(user.oid.encode()).digest()),
            "scp": scp,
            "name": user.name,
            "ver": "2.0" if version == 2 else "1.0",
            ("preferred_username" if version == 2 else "upn"): user.upn,
            "azp" if version == 2 else "appid": "5e3ce6c0-2b1f-4285-8d4b-75ee78787346",  # Teams web
            "uti": secrets.token_urlsafe(8),  # Entra's unique token id: no two tokens are the same
        }
        return self._sign(claims, key, kid)

    def _access_token(self, user: EntraUser, resource: str, scopes: list[str], client_id: str) -> str:
        now = int(time.time())
        names = " ".join(s.rsplit("/", 1)[-1] for s in scopes)
        return self._sign(
            {
                "aud": resource,
                "iss": V2_ISSUER.format(tid=user.tenant_id),
                "iat": now,
                "nbf": now,
                "exp": now + self.access_token_lifetime,
                "tid": user.tenant_id,
                "oid": user.oid,
                "scp": names,
                "azp": client_id,
                "preferred_username": user.upn,
                "ver": "2.0",
                "uti": secrets.token_urlsafe(8),
            }
        )

    def verify(self, token: str, audience: str) -> dict[str, Any] | None:
        """The claims of an access token this fake issued for `audience`, or None (for resource fakes)."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token, self.key.private_key.public_key(), algorithms=["RS256"], audience=audience
            )
        except jwt.PyJWTError:
            return None
        return claims

    # ---- HTTP --------------------------------------------------------------------------------------------

    def _dispatch(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        segments = [p for p in parts.path.split("/") if p]
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if method == "POST":
            length = int(handler.headers.get("Content-Length") or 0)
            params |= {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode()).items()}
        with self._lock:
            shown = {
                k: v for k, v in params.items() if k in ("grant_type", "scope", "client_id", "response_mode")
            }
            self.requests.append((method, parts.path, shown))
        try:
            if not segments:
                raise EntraError("invalid_request", 900144, "Not found.", status=404)
            tenant, rest = segments[0], "/".join(segments[1:])
            if tenant == "common" and rest == "discovery/instance":
                self._json(handler, 200, self._instance_metadata())
            elif rest == "v2.0/.well-known/openid-configuration":
                self._json(handler, 200, self._configuration(tenant, 2))
            elif rest == ".well-known/openid-configuration":
                self._json(handler, 200, self._configuration(tenant, 1))
            elif rest in ("discovery/v2.0/keys", "discovery/keys"):
                self._json(handler, 200, {"keys": [self.key.jwk()]})
            elif rest == "oauth2/v2.0/authorize" and method == "GET":
                self._authorize(handler, tenant, params)
            elif rest == "oauth2/v2.0/token" and method == "POST":
                self._json(handler, 200, self._token(tenant, params, handler.headers.get("Authorization")))
            else:
                raise EntraError("invalid_request", 900144, f"No endpoint {parts.path}.", status=404)
        except EntraError as exc:
            self._json(handler, exc.status, exc.body)

    @staticmethod
    def _json(handler: BaseHTTPRequestHandler, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _known_tenant(self, tenant: str) -> str:
        with self._lock:
            if tenant not in GENERIC_TENANTS and tenant not in self.tenants:
                raise EntraError("invalid_tenant", 90002, f"Tenant '{tenant}' not found.")
        return tenant

    def _configuration(self, tenant: str, version: int) -> dict[str, Any]:
        self._known_tenant(tenant)
        tid = "{tenantid}" if tenant in GENERIC_TENANTS else tenant
        base = f"{INSTANCE}/{tenant}"
        return {
            "issuer": (V2_ISSUER if version == 2 else V1_ISSUER).format(tid=tid),
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "jwks_uri": f"{base}/discovery/v2.0/keys"
            if version == 2
            else f"{INSTANCE}/common/discovery/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "tenant_region_scope": "EU",
        }

    @staticmethod
    def _instance_metadata() -> dict[str, Any]:
        """Entra's instance discovery (MSAL reads the host aliases from it)."""
        aliases = ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"]
        return {
            "tenant_discovery_endpoint": f"{INSTANCE}/{{tenant}}/v2.0/.well-known/openid-configuration",
            "api-version": "1.1",
            "metadata": [
                {"preferred_network": aliases[0], "preferred_cache": aliases[1], "aliases": aliases}
            ],
        }

    def _authorize(self, handler: BaseHTTPRequestHandler, tenant: str, params: dict[str, str]) -> None:
        self._known_tenant(tenant)
        app = self.apps.get(params.get("client_id", ""))
        if app is None:
            raise EntraError("unauthorized_client", 700016, "Application not found in the directory.")
        redirect_uri = params.get("redirect_uri", "")
        if redirect_uri not in app.redirect_uris:
            raise EntraError("invalid_request", 50011, "The redirect URI does not match the registered ones.")
        if params.get("response_type") != "code" or params.get("code_challenge_method") != "S256":
            raise EntraError("invalid_request", 900144, "PKCE (S256) and response_type=code are required.")
        cookie = handler.headers.get("Cookie", "")
        oid = next((c.split("=", 1)[1] for c in cookie.split("; ") if c.startswith("fake-entra-user=")), None)
        user = self.users.get(oid or "")
        if user is None:
            body = b"<html><body>Sign in to your account</body></html>"
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
            return
        if tenant not in GENERIC_TENANTS and tenant != user.tenant_id:
            raise EntraError("invalid_request", 50020, "User account does not exist in the tenant.")
        scopes = [s for s in params.get("scope", "").split() if s not in OIDC_SCOPES]
        code = secrets.token_urlsafe(24)
        with self._lock:
            user.consented.update(scopes)  # the consent screen was accepted
            self._codes[code] = _Code(
                app.client_id, user, redirect_uri, scopes, params.get("code_challenge", ""),
                params.get("nonce"), time.time() + 600,
            )  # fmt: skip
        answer = {"code": code, "state": params.get("state", ""), "session_state": str(uuid.uuid4())}
        if params.get("response_mode") == "form_post":
            fields = "".join(
                f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}"/>'
                for k, v in answer.items()
            )
            body = (
                f'<html><body onload="document.forms[0].submit()"><form method="POST" '
                f'action="{html.escape(redirect_uri)}">{fields}</form></body></html>'
            ).encode()
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
            return
        handler.send_response(302)
        handler.send_header("Location", f"{redirect_uri}?{urlencode(answer)}")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def _client(self, tenant: str, params: dict[str, str], basic: str | None) -> EntraApp:
        app = self.apps.get(params.get("client_id", ""))
        if app is None:
            raise EntraError("unauthorized_client", 700016, "Application not found in the directory.")
        if params.get("client_assertion_type") == CLIENT_ASSERTION and app.public_key is not None:
            assertion = params.get("client_assertion", "")
            try:
                header = jwt.get_unverified_header(assertion)
                claims = jwt.decode(
                    assertion, app.public_key, algorithms=["RS256", "PS256"],
                    audience=f"{INSTANCE}/{tenant}/oauth2/v2.0/token",
                )  # fmt: skip
            except jwt.PyJWTError as exc:
                raise EntraError(
                    "invalid_client", 700027, f"Client assertion failed: {exc}.", status=401
                ) from None
            thumbprint = header.get("x5t#S256") or header.get("x5t")
            if claims.get("iss") != app.client_id or thumbprint is None:
                raise EntraError("invalid_client", 700027, "Client assertion has a wrong issuer.", status=401)
            return app
        if app.secret is None or params.get("client_secret") != app.secret:
            raise EntraError("invalid_client", 7000215, "Invalid client secret provided.", status=401)
        return app

    @staticmethod
    def _resource(scopes: list[str]) -> str:
        resources = {s.rsplit("/", 1)[0] for s in scopes}
        if len(resources) != 1:
            raise EntraError("invalid_scope", 28000, "Scopes must be for exactly one resource.")
        return resources.pop()

    def _require(self, user: EntraUser, scopes: list[str]) -> None:
        if user.mfa_required:
            error = EntraError("interaction_required", 50076, "You must use multi-factor authentication.")
            error.body["claims"] = json.dumps({"access_token": {"capolids": {"essential": True}}})
            raise error
        granted = user.consented | self.admin_consent.get(user.tenant_id, set())
        missing = [s for s in scopes if s not in granted and not s.endswith("/.default")]
        if missing:
            raise EntraError(
                "invalid_grant", 65001, f"The user or administrator has not consented to {missing[0]}.",
                suberror="consent_required",
            )  # fmt: skip

    def _token(self, tenant: str, params: dict[str, str], basic: str | None) -> dict[str, Any]:
        self._known_tenant(tenant)
        app = self._client(tenant, params, basic)
        grant_type = params.get("grant_type", "")
        requested = params.get("scope", "").split()
        scopes = [s for s in requested if s not in OIDC_SCOPES]
        with self._lock:
            if grant_type == "authorization_code":
                user, scopes, nonce = self._redeem(app, params, scopes)
            elif grant_type == "refresh_token":
                grant = self._grants.get(params.get("refresh_token", ""))
                if grant is None or grant.client_id != app.client_id:
                    raise EntraError("invalid_grant", 9002313, "Invalid request. Malformed refresh token.")
                if grant.revoked:
                    raise EntraError(
                        "invalid_grant", 50173, "The provided grant has expired due to it being revoked."
                    )
                user, nonce = grant.user, None
            elif grant_type == JWT_BEARER and params.get("requested_token_use") == "on_behalf_of":
                user, nonce = self._assertion_user(app, params.get("assertion", "")), None
            else:
                raise EntraError(
                    "unsupported_grant_type", 70003, f"The grant type {grant_type!r} is not supported."
                )
            if tenant not in GENERIC_TENANTS and tenant != user.tenant_id:
                raise EntraError("invalid_grant", 50020, "User account does not exist in the tenant.")
            if not scopes:
                raise EntraError("invalid_scope", 70011, "No resource scope was requested.")
            self._require(user, scopes)
            resource = self._resource(scopes)
            answer: dict[str, Any] = {
                "token_type": "Bearer",
                "scope": " ".join(scopes),
                "expires_in": self.access_token_lifetime,
                "ext_expires_in": self.access_token_lifetime,
                "access_token": self._access_token(user, resource, scopes, app.client_id),
            }
            if "offline_access" in requested:
                refresh = secrets.token_urlsafe(32)
                self._grants[refresh] = _Grant(app.client_id, user)
                answer["refresh_token"] = refresh
            if "openid" in requested:
                answer["id_token"] = self._id_token(user, app.client_id, nonce)
            if params.get("client_info") == "1":
                answer["client_info"] = _b64(json.dumps({"uid": user.oid, "utid": user.tenant_id}).encode())
            return answer

    def _redeem(
        self, app: EntraApp, params: dict[str, str], scopes: list[str]
    ) -> tuple[EntraUser, list[str], str | None]:
        code = self._codes.get(params.get("code", ""))
        if code is None or code.client_id != app.client_id or code.expires < time.time():
            raise EntraError(
                "invalid_grant", 70008, "The provided authorization code or refresh token has expired."
            )
        if code.redeemed:
            raise EntraError("invalid_grant", 54005, "OAuth2 Authorization code was already redeemed.")
        code.redeemed = True
        if params.get("redirect_uri") != code.redirect_uri:
            raise EntraError(
                "invalid_grant", 50148, "The redirect_uri does not match the authorization request."
            )
        verifier = params.get("code_verifier", "")
        if _b64(hashlib.sha256(verifier.encode()).digest()) != code.challenge:
            raise EntraError("invalid_grant", 501481, "The Code_Verifier does not match the code_challenge.")
        return code.user, scopes or code.scopes, code.nonce

    def _assertion_user(self, app: EntraApp, assertion: str) -> EntraUser:
        try:
            claims = jwt.decode(
                assertion, self.key.private_key.public_key(), algorithms=["RS256"],
                audience=[app.client_id, app.sso_resource or ""],
            )  # fmt: skip
        except jwt.ExpiredSignatureError:
            raise EntraError(
                "invalid_grant", 500133, "The assertion is not within its valid time range."
            ) from None
        except jwt.PyJWTError:
            raise EntraError("invalid_grant", 50013, "Assertion failed signature validation.") from None
        user = self.users.get(str(claims.get("oid")))
        if user is None or user.tenant_id != claims.get("tid"):
            raise EntraError("invalid_grant", 50034, "The user account does not exist in the directory.")
        return user

    def _id_token(self, user: EntraUser, client_id: str, nonce: str | None) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "aud": client_id,
            "iss": V2_ISSUER.format(tid=user.tenant_id),
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "tid": user.tenant_id,
            "oid": user.oid,
            "sub": _b64(hashlib.sha256((user.oid + client_id).encode()).digest()),
            "preferred_username": user.upn,
            "name": user.name,
            "ver": "2.0",
        }
        if nonce:
            claims["nonce"] = nonce
        return self._sign(claims)


class RoutedSession(requests.Session):
    """Sends requests for the given URL prefixes to other bases (a fake's loopback address) over HTTP."""

    def __init__(self, routes: dict[str, str]) -> None:
        super().__init__()
        self.routes = dict(routes)

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        target = url.decode() if isinstance(url, bytes) else url
        for prefix, base in self.routes.items():
            if target.startswith(prefix):
                target = base + target[len(prefix) :]
                break
        return super().request(method, target, *args, **kwargs)
