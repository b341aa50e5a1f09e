"""awork per-user OAuth2: the authorization-code grant (with PKCE), the token endpoint and refresh.

From awork's developer documentation: `GET {base}/accounts/authorize?client_id&response_type=code&
grant_type=authorization_code&redirect_uri&state&scope` (the person logs in and picks the workspace), then
`POST {base}/accounts/token` with `Authorization: Basic base64(client_id:client_secret)` and a form body
(`grant_type=authorization_code&code&redirect_uri`, or `grant_type=refresh_token&refresh_token`). The answer
is `{access_token, token_type, expires_in, refresh_token}`; a token is valid for one workspace only.

A refresh returns a new refresh token and invalidates the old one, so two refreshes must never spend the
same one: refreshing runs under `TokenStore.exclusive` (a cross-process lock on PostgreSQL) and looks at the
stored tokens again once it holds the lock — another process may have just refreshed them.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx

from adapters.backend import Identity
from bot.signin.entra import SignInRequired
from bot.store.tokens import TokenStore

log = logging.getLogger(__name__)

PROVIDER = "awork"
SCOPES = "full_access offline_access"
REFRESH_MARGIN = 300.0


class AworkUnavailable(Exception):
    """awork's token endpoint could not be reached or answered 5xx."""


@dataclass(frozen=True)
class AworkTokens:
    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: float

    def dumps(self) -> str:
        return json.dumps(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_at": self.expires_at,
            }
        )

    @classmethod
    def loads(cls, text: str) -> AworkTokens:
        data = json.loads(text)
        return cls(str(data["access_token"]), data.get("refresh_token"), float(data["expires_at"]))


class AworkOAuth:
    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        tokens: TokenStore,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 15.0,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._client_id = client_id
        self._secret = client_secret
        self._tokens = tokens
        self._http = httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False)

    async def aclose(self) -> None:
        await self._http.aclose()

    def authorize_url(self, state: str, redirect_uri: str, code_challenge: str) -> str:
        query = {
            "client_id": self._client_id,
            "response_type": "code",
            "grant_type": "authorization_code",
            "redirect_uri": redirect_uri,
            "state": state,
            "scope": SCOPES,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
        return f"{self._base}/accounts/authorize?{urlencode(query)}"

    async def _token_request(self, form: dict[str, str]) -> AworkTokens:
        try:
            response = await self._http.post(
                f"{self._base}/accounts/token", data=form, auth=(self._client_id, self._secret)
            )
        except httpx.HTTPError as exc:
            raise AworkUnavailable(f"awork unreachable: {type(exc).__name__}") from None
        if response.status_code >= 500:
            raise AworkUnavailable(f"awork token endpoint: HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or not isinstance(body, dict) or not body.get("access_token"):
            error = str(body.get("error") or body.get("code") or f"HTTP {response.status_code}")
            raise SignInRequired("invalid_grant", f"awork: {error}")
        return AworkTokens(
            str(body["access_token"]),
            body.get("refresh_token"),
            time.time() + float(body.get("expires_in") or 86400),
        )

    async def redeem(
        self, identity: Identity, code: str, redirect_uri: str, code_verifier: str
    ) -> AworkTokens:
        """Exchange the authorization code; the tokens are stored for `identity` (the person who asked)."""
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        form["code_verifier"] = code_verifier
        tokens = await self._token_request(form)
        async with self._tokens.exclusive(identity, PROVIDER):
            stored = await self._tokens.load(identity, PROVIDER)
            if not await self._tokens.store(identity, PROVIDER, tokens.dumps(), stored.version):
                raise SignInRequired("state", "awork tokens changed while signing in")
        return tokens

    async def access_token(self, identity: Identity) -> str:
        """The person's awork access token, refreshed (once, across processes) when it is about to expire."""
        stored = await self._tokens.load(identity, PROVIDER)
        if stored.text is None:
            raise SignInRequired("no_account")
        tokens = AworkTokens.loads(stored.text)
        if tokens.expires_at - REFRESH_MARGIN > time.time() and not stored.stale_key:
            return tokens.access_token
        async with self._tokens.exclusive(identity, PROVIDER):
            stored = await self._tokens.load(identity, PROVIDER)  # someone may have refreshed meanwhile
            if stored.text is None:
                raise SignInRequired("no_account")
            tokens = AworkTokens.loads(stored.text)
            expiring = tokens.expires_at - REFRESH_MARGIN <= time.time()
            if expiring:
                if not tokens.refresh_token:
                    raise SignInRequired("invalid_grant", "awork token expired and has no refresh token")
                fresh = await self._token_request(
                    {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token}
                )
                tokens = AworkTokens(
                    fresh.access_token, fresh.refresh_token or tokens.refresh_token, fresh.expires_at
                )
                log.info("awork: refreshed a person's access token")
            if (expiring or stored.stale_key) and not await self._tokens.store(
                identity, PROVIDER, tokens.dumps(), stored.version
            ):
                raise SignInRequired("state", "awork tokens changed during a refresh")
        return tokens.access_token

    async def sign_out(self, identity: Identity) -> bool:
        return await self._tokens.delete(identity, PROVIDER)
