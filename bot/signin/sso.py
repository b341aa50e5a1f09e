"""The Teams SSO token of `signin/tokenExchange`, validated by the bot itself (PyJWT), before any exchange.

Checked, in this order, each failure a `SsoRejected` with a reason safe to log:
- RS256 with a `kid` header; the (unverified) `tid` is the tenant of the activity — so no attacker-chosen
  tenant makes the bot fetch anything;
- the signature, with a key from that tenant's JWKS (found through its OpenID configuration; the keys are
  cached for a day and fetched again, at most every 5 minutes, for an unknown `kid`);
- `aud` is the bot's client id or its SSO resource (`api://…/botid-…`); `iss` is the tenant's v2 issuer
  (`https://login.microsoftonline.com/{tid}/v2.0`) or v1 issuer (`https://sts.windows.net/{tid}/`), both
  read from the tenant's OpenID configurations; `exp`/`nbf` with 5 minutes of clock skew;
- `tid` and `oid` are the Teams user who sent the activity (a token of someone else is refused).
Fetches run in a worker thread through the same `requests.Session` MSAL uses.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
import requests
from jwt.algorithms import RSAAlgorithm

KEYS_TTL = 24 * 3600.0
UNKNOWN_KID_REFETCH = 300.0
LEEWAY = 300


class SsoRejected(Exception):
    """The SSO token is not acceptable; the message names why (never the token)."""


@dataclass(frozen=True)
class SsoIdentity:
    tenant_id: str
    oid: str
    username: str | None
    token: str = field(repr=False)  # the validated assertion, for on-behalf-of


@dataclass
class _Tenant:
    issuers: list[str]
    jwks_uri: str
    keys: dict[str, Any]
    fetched: float


class SsoValidator:
    def __init__(
        self,
        *,
        client_id: str,
        resource: str,
        instance: str = "https://login.microsoftonline.com",
        http: requests.Session | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._audiences = [a for a in (client_id, resource) if a]
        self._instance = instance.rstrip("/")
        self._http = http or requests.Session()
        self._timeout = timeout
        self._tenants: dict[str, _Tenant] = {}
        self._lock = asyncio.Lock()

    async def validate(self, token: str, *, tenant_id: str, aad_object_id: str) -> SsoIdentity:
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise SsoRejected("not a JWT") from None
        if header.get("alg") != "RS256" or not isinstance(header.get("kid"), str):
            raise SsoRejected(f"unexpected token header (alg {header.get('alg')!r})")
        tid = unverified.get("tid")
        if not isinstance(tid, str) or tid.lower() != (tenant_id or "").lower():
            raise SsoRejected("token is for another tenant")
        key = await self._key(tid, header["kid"])
        tenant = self._tenants[tid]
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=self._audiences,
                issuer=tenant.issuers,
                leeway=LEEWAY,
                options={"require": ["exp", "iss", "aud", "tid", "oid"]},
            )
        except jwt.ExpiredSignatureError:
            raise SsoRejected("token expired") from None
        except jwt.InvalidAudienceError:
            raise SsoRejected("token has the wrong audience") from None
        except jwt.InvalidIssuerError:
            raise SsoRejected("token has the wrong issuer") from None
        except jwt.PyJWTError as exc:
            raise SsoRejected(f"token invalid ({type(exc).__name__})") from None
        if str(claims["oid"]).lower() != (aad_object_id or "").lower():
            raise SsoRejected("token is for another user")
        username = claims.get("preferred_username") or claims.get("upn")
        return SsoIdentity(tid, str(claims["oid"]), username if isinstance(username, str) else None, token)

    async def _key(self, tid: str, kid: str) -> Any:
        async with self._lock:
            tenant = self._tenants.get(tid)
            now = time.monotonic()
            if tenant is None or now - tenant.fetched > KEYS_TTL:
                tenant = self._tenants[tid] = await asyncio.to_thread(self._discover, tid)
            elif kid not in tenant.keys and now - tenant.fetched > UNKNOWN_KID_REFETCH:
                tenant.keys = await asyncio.to_thread(self._keys, tenant.jwks_uri)
                tenant.fetched = now
        if kid not in tenant.keys:
            raise SsoRejected("token signed with an unknown key")
        return tenant.keys[kid]

    def _get(self, url: str) -> dict[str, Any]:
        try:
            response = self._http.get(url, timeout=self._timeout)
        except requests.RequestException as exc:
            raise SsoRejected(f"tenant keys unavailable ({type(exc).__name__})") from None
        if response.status_code != 200:
            raise SsoRejected(f"tenant configuration unavailable (HTTP {response.status_code})")
        body: dict[str, Any] = response.json()
        return body

    def _keys(self, jwks_uri: str) -> dict[str, Any]:
        keys = {}
        for jwk in self._get(jwks_uri).get("keys", []):
            if isinstance(jwk, dict) and jwk.get("kty") == "RSA" and isinstance(jwk.get("kid"), str):
                keys[jwk["kid"]] = RSAAlgorithm.from_jwk(json.dumps(jwk))
        return keys

    def _discover(self, tid: str) -> _Tenant:
        v2 = self._get(f"{self._instance}/{tid}/v2.0/.well-known/openid-configuration")
        v1 = self._get(f"{self._instance}/{tid}/.well-known/openid-configuration")
        issuers = [str(doc["issuer"]).replace("{tenantid}", tid) for doc in (v2, v1) if doc.get("issuer")]
        return _Tenant(issuers, str(v2["jwks_uri"]), self._keys(str(v2["jwks_uri"])), time.monotonic())
