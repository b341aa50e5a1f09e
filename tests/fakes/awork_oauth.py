"""awork's OAuth endpoints, served on a `FakeAwork`'s own server (`{base}/accounts/authorize`, `/token`).

As awork's developer documentation describes them: the authorize endpoint needs `client_id`,
`response_type=code`, a registered `redirect_uri` and `scope`, and sends the browser back with `code` and
`state` (302); the token endpoint takes `Authorization: Basic base64(client_id:client_secret)` and a form
body with `grant_type=authorization_code` (`code`, the same `redirect_uri`) or `grant_type=refresh_token`.
A refresh returns a new refresh token and invalidates the old one. PKCE (S256) is checked when a challenge
was sent. The browser's logged-in awork user is the `fake-awork-user` cookie. Issued access tokens are
added to the `FakeAwork`'s tokens, so its API accepts them.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from tests.fakes.awork import BASE, FakeAwork


@dataclass
class _Code:
    user_id: str
    redirect_uri: str
    challenge: str | None
    used: bool = False


@dataclass
class AworkOAuth:
    awork: FakeAwork
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    access_token_lifetime: int = 86400
    codes: dict[str, _Code] = field(default_factory=dict)
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # refresh token → user id (single use)
    token_requests: list[str] = field(default_factory=list)  # grant types, in order

    def install(self, app: web.Application) -> web.Application:
        """Answer `/accounts/*` before the API's bearer check (awork serves both on one host)."""
        app.middlewares.insert(0, self._middleware)
        return app

    def revoke(self, user_id: str) -> None:
        for token in [t for t, u in self.refresh_tokens.items() if u == user_id]:
            del self.refresh_tokens[token]

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path == f"{BASE}/accounts/authorize" and request.method == "GET":
            return self._authorize(request)
        if request.path == f"{BASE}/accounts/token" and request.method == "POST":
            return await self._token(request)
        response: web.StreamResponse = await handler(request)
        return response

    def _authorize(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("client_id") != self.client_id or q.get("response_type") != "code" or not q.get("scope"):
            return web.json_response(
                {"code": "invalid-request", "description": "bad authorize request"}, status=400
            )
        if q.get("redirect_uri") not in self.redirect_uris:
            return web.json_response(
                {"code": "invalid-request", "description": "unknown redirect_uri"}, status=400
            )
        user_id = request.cookies.get("fake-awork-user")
        if user_id not in self.awork.users:
            return web.Response(text="<html><body>Log in to awork</body></html>", content_type="text/html")
        code = secrets.token_urlsafe(16)
        self.codes[code] = _Code(user_id, q["redirect_uri"], q.get("code_challenge"))
        location = f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q.get('state', '')})}"
        raise web.HTTPFound(location)

    def _client_ok(self, request: web.Request) -> bool:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Basic":
            return False
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        return secrets.compare_digest(value, expected)

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        grant = str(form.get("grant_type", ""))
        self.token_requests.append(grant)
        if not self._client_ok(request):
            return web.json_response({"error": "invalid_client"}, status=401)
        if grant == "authorization_code":
            code = self.codes.get(str(form.get("code", "")))
            if code is None or code.used or form.get("redirect_uri") != code.redirect_uri:
                return web.json_response({"error": "invalid_grant"}, status=400)
            code.used = True
            if code.challenge is not None:
                verifier = str(form.get("code_verifier", ""))
                digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
                if digest.decode() != code.challenge:
                    return web.json_response({"error": "invalid_grant"}, status=400)
            user_id = code.user_id
        elif grant == "refresh_token":
            user_id = self.refresh_tokens.pop(str(form.get("refresh_token", "")), "")
            if not user_id:
                return web.json_response({"error": "invalid_grant"}, status=400)
        else:
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        access, refresh = f"aw-oauth-{uuid.uuid4().hex}", secrets.token_urlsafe(24)
        self.awork.tokens[access] = user_id
        self.refresh_tokens[refresh] = user_id
        return web.json_response(
            {
                "access_token": access,
                "token_type": "Bearer",
                "resource": "awork.com",
                "expires_in": self.access_token_lifetime,
                "refresh_token": refresh,
                "issued": int(time.time()),
            }
        )
