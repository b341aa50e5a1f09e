"""MSAL for each person: on-behalf-of, silent refresh, the auth-code flow and sign-out, off the event loop.

Every call builds a `ConfidentialClientApplication` around the person's own `SerializableTokenCache` (never
one cache for several people) inside a worker thread — MSAL is synchronous (requests) — and the cache goes
back to `TokenStore` only when `has_state_changed`. The authority is the person's own tenant
(`https://login.microsoftonline.com/<tid>`) unless the bot is configured for one tenant.

Tenant discovery is cached by MSAL's `http_cache`, one per worker thread: MSAL's cache is not safe to share
between threads, and a per-thread one still means a handful of discovery requests per process, not one per
call. Errors come back as `SignInRequired` (the person must sign in, or consent, again), `EntraUnavailable`
(network, 5xx) or `EntraMisconfigured` (the operator's registration is wrong) — never a token in a message.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msal
import requests

from adapters.backend import Identity
from bot.store.tokens import TokenStore

log = logging.getLogger(__name__)

PROVIDER = "entra"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_MULTI_TENANT = frozenset({"organizations", "common"})
# What the person can fix by signing in (again) or consenting, as opposed to a broken registration.
_SIGN_IN_ERRORS = frozenset({"invalid_grant", "interaction_required", "consent_required", "login_required"})
_CONSENT = re.compile(r"AADSTS65001|AADSTS65004|consent", re.IGNORECASE)


class SignInRequired(Exception):
    """The person must sign in (again): no account, a revoked or expired grant, MFA, or missing consent."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason  # no_account | invalid_grant | interaction_required | consent_required | ...
        self.detail = detail[:300]


class WrongAccount(SignInRequired):
    """The account that signed in is not the person who asked (a forwarded link): nothing is kept."""

    def __init__(self) -> None:
        super().__init__("wrong_account")


class EntraUnavailable(Exception):
    """Entra ID could not be reached or answered 5xx; nothing changed."""


class EntraMisconfigured(Exception):
    """The bot's app registration or settings are wrong (invalid client, unknown scope or tenant)."""


@dataclass(frozen=True)
class Token:
    access_token: str = field(repr=False)
    expires_at: float
    username: str | None  # the UPN / preferred_username of the signed-in account
    oid: str | None
    tid: str | None


class _PerThreadCache(MutableMapping[Any, Any]):
    """MSAL's `http_cache`, one dict per worker thread (MSAL locks per application, not per mapping)."""

    def __init__(self) -> None:
        self._local = threading.local()

    @property
    def _data(self) -> dict[Any, Any]:
        data = getattr(self._local, "data", None)
        if data is None:
            data = self._local.data = {}
        return data

    def __getitem__(self, key: Any) -> Any:
        return self._data[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        self._data[key] = value

    def __delitem__(self, key: Any) -> None:
        del self._data[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self._data))

    def __len__(self) -> int:
        return len(self._data)


def classify(result: dict[str, Any]) -> Exception:
    """The exception for an MSAL error result (its `error_description` carries no token)."""
    error = str(result.get("error") or "")
    description = str(result.get("error_description") or "")
    suberror = str(result.get("suberror") or "")
    first_line = description.splitlines()[0] if description else ""
    if error in _SIGN_IN_ERRORS:
        consent = (
            suberror == "consent_required" or error == "consent_required" or _CONSENT.search(description)
        )
        return SignInRequired("consent_required" if consent else error, first_line)
    if error in ("temporarily_unavailable", "server_error"):
        return EntraUnavailable(f"Entra ID: {error}")
    return EntraMisconfigured(f"Entra ID refused the bot's request: {error}: {first_line}")


def _token(result: dict[str, Any], fallback_username: str | None = None) -> Token:
    claims = result.get("id_token_claims") or {}
    return Token(
        access_token=str(result["access_token"]),
        expires_at=time.time() + float(result.get("expires_in") or 0),
        username=claims.get("preferred_username") or claims.get("upn") or fallback_username,
        oid=claims.get("oid"),
        tid=claims.get("tid"),
    )


class Entra:
    """The bot's confidential client, acting for one person at a time with that person's cache."""

    def __init__(
        self,
        client_id: str,
        credential: str | dict[str, str],
        authority: str,
        tokens: TokenStore,
        *,
        http: requests.Session | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.client_id = client_id
        self._credential = credential
        self.authority = authority.rstrip("/")
        self.instance, _, self._tenant = self.authority.rpartition("/")
        self._tokens = tokens
        self._http = http or requests.Session()
        self._http_cache = _PerThreadCache()
        self._timeout = timeout

    def authority_for(self, tenant_id: str) -> str:
        """The person's own tenant when the bot serves many (a GUID tenant id), else the configured one."""
        if self._tenant.lower() in _MULTI_TENANT and _GUID.match(tenant_id or ""):
            return f"{self.instance}/{tenant_id}"
        return self.authority

    def _app(self, tenant_id: str, cache: msal.SerializableTokenCache) -> msal.ConfidentialClientApplication:
        try:
            return msal.ConfidentialClientApplication(
                self.client_id,
                client_credential=self._credential,
                authority=self.authority_for(tenant_id),
                token_cache=cache,
                http_client=self._http,
                http_cache=self._http_cache,
                timeout=self._timeout,
            )
        except requests.RequestException as exc:
            raise EntraUnavailable(f"Entra ID unreachable: {type(exc).__name__}") from None
        except ValueError as exc:  # tenant discovery refused: an unknown tenant or a bad authority
            raise EntraMisconfigured(str(exc).splitlines()[0][:200]) from None

    def _run(self, identity: Identity, work: Any) -> Any:
        """A `TokenStore.update` step: the person's cache in, MSAL `work(app, cache)` run, new text out."""

        def step(text: str | None) -> tuple[Any, str | None]:
            cache = msal.SerializableTokenCache()
            if text:
                cache.deserialize(text)
            app = self._app(identity.tenant_id, cache)
            try:
                result = work(app, cache)
            except (requests.RequestException, msal.exceptions.MsalServiceError) as exc:
                raise EntraUnavailable(f"Entra ID unreachable: {type(exc).__name__}") from None
            return result, cache.serialize() if cache.has_state_changed else None

        return step

    @staticmethod
    def _account(app: msal.ConfidentialClientApplication, identity: Identity) -> dict[str, Any] | None:
        home = f"{identity.aad_object_id}.{identity.tenant_id}".lower()
        accounts = app.get_accounts()
        for account in accounts:
            if str(account.get("home_account_id", "")).lower() == home:
                return account
        # A guest's home account is in their home tenant (another oid.tid); the cache is this person's alone.
        return accounts[0] if len(accounts) == 1 else None

    async def on_behalf_of(self, identity: Identity, assertion: str, scopes: list[str]) -> Token:
        """Exchange a (validated) Teams SSO token for a token to `scopes`; always asks Entra ID."""

        def work(app: msal.ConfidentialClientApplication, _cache: Any) -> Token:
            result = app.acquire_token_on_behalf_of(assertion, scopes)
            if "access_token" not in result:
                raise classify(result)
            return _token(result)

        token: Token = await self._tokens.update(identity, PROVIDER, self._run(identity, work))
        return token

    async def silent(self, identity: Identity, scopes: list[str]) -> Token:
        """A token from the person's cache, refreshed with their refresh token when needed."""

        def work(app: msal.ConfidentialClientApplication, _cache: Any) -> Token:
            account = self._account(app, identity)
            if account is None:
                raise SignInRequired("no_account")
            result = app.acquire_token_silent_with_error(scopes, account)
            if result is None:
                raise SignInRequired("no_account")
            if "access_token" not in result:
                raise classify(result)
            return _token(result, account.get("username"))

        token: Token = await self._tokens.update(identity, PROVIDER, self._run(identity, work))
        return token

    async def username(self, identity: Identity) -> str | None:
        """The signed-in account's name (UPN) from the cache, without asking Entra ID for a token."""
        stored = await self._tokens.load(identity, PROVIDER)
        if not stored.text:
            return None
        cache = msal.SerializableTokenCache()
        cache.deserialize(stored.text)
        accounts = list(cache.search(msal.TokenCache.CredentialType.ACCOUNT))
        return str(accounts[0].get("username") or "") or None if len(accounts) == 1 else None

    async def begin(
        self,
        identity: Identity,
        scopes: list[str],
        redirect_uri: str,
        *,
        state: str | None = None,
        login_hint: str | None = None,
    ) -> dict[str, Any]:
        """Start the auth-code flow with PKCE: the flow (auth_uri, state, nonce, code_verifier) to keep."""

        def start() -> dict[str, Any]:
            app = self._app(identity.tenant_id, msal.SerializableTokenCache())
            flow: dict[str, Any] = app.initiate_auth_code_flow(
                scopes,
                redirect_uri=redirect_uri,
                state=state,
                login_hint=login_hint,
                response_mode="form_post",
            )
            return flow

        try:
            return await asyncio.to_thread(start)
        except requests.RequestException as exc:
            raise EntraUnavailable(f"Entra ID unreachable: {type(exc).__name__}") from None

    async def redeem(self, identity: Identity, flow: dict[str, Any], response: dict[str, str]) -> Token:
        """Finish the flow: checks state and nonce (MSAL) and that the account is `identity` (here).

        The tokens are kept only when the signed-in `oid`/`tid` are the person who asked for the link.
        """

        def work(app: msal.ConfidentialClientApplication, _cache: Any) -> Token:
            try:
                result = app.acquire_token_by_auth_code_flow(dict(flow), response)
            except ValueError as exc:  # state mismatch and other tampering
                raise SignInRequired("state", str(exc)) from None
            if "access_token" not in result:
                raise classify(result)
            token = _token(result)
            if (token.oid or "").lower() != identity.aad_object_id.lower() or (
                token.tid or ""
            ).lower() != identity.tenant_id.lower():
                raise WrongAccount()
            return token

        token: Token = await self._tokens.update(identity, PROVIDER, self._run(identity, work))
        return token

    async def sign_out(self, identity: Identity) -> bool:
        """Remove the person's account from their MSAL cache, then delete the cache itself."""

        def work(app: msal.ConfidentialClientApplication, _cache: Any) -> bool:
            accounts = app.get_accounts()
            for account in accounts:
                app.remove_account(account)
            return bool(accounts)

        removed = False
        if (await self._tokens.load(identity, PROVIDER)).text is not None:
            try:
                removed = await self._tokens.update(identity, PROVIDER, self._run(identity, work))
            except (EntraUnavailable, EntraMisconfigured):
                log.info("sign-out without reaching Entra ID: deleting the cache only")
        return await self._tokens.delete(identity, PROVIDER) or removed


def client_credential(secret: str, certificate: Path | None) -> str | dict[str, str]:
    """MSAL's `client_credential`: the secret, or a PEM holding the private key and its certificate."""
    if certificate is None:
        return secret
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    pem = certificate.read_bytes()
    try:
        cert = x509.load_pem_x509_certificate(pem)
        key = serialization.load_pem_private_key(pem, password=None)
    except ValueError as exc:
        raise EntraMisconfigured(
            f"{certificate} must hold a PEM private key and certificate ({exc})"
        ) from None
    return {
        "private_key": key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
        "thumbprint": cert.fingerprint(hashes.SHA1()).hex(),
        "public_certificate": cert.public_bytes(serialization.Encoding.PEM).decode(),
    }
