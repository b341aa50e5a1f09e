"""Sign-in for people: which backends offer it, the bot-served link flow, and the tokens adapters use.

The link flow (`/auth/start`, `/auth/callback`), for tenants without Teams SSO, the Playground and awork:
1. a prompt creates a pending sign-in bound to the person (tenant + Entra object id), the conversation and
   the command that needed it, valid for `ttl` (10 minutes), and links to `/auth/start?state=…`;
2. `/auth/start` starts the provider's flow with PKCE — MSAL's auth-code flow (state, nonce, S256) for
   Entra, awork's authorize endpoint for awork — and redirects there;
3. `/auth/callback` takes the pending sign-in (once: a reused or unknown state is refused, an expired one
   too), redeems the code, and for Entra keeps the tokens only if the signed-in `oid`/`tid` is the person who
   asked. A forwarded link therefore binds nobody else.
A successful sign-in is recorded as the person's connection to the backend (`extra.auth = "signin"`, the
account name beside it); the tokens themselves live in `TokenStore`.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlencode

from adapters.backend import Identity
from adapters.credentials import Connection
from bot.signin.awork import AworkOAuth, AworkUnavailable
from bot.signin.entra import Entra, EntraMisconfigured, EntraUnavailable, SignInRequired, WrongAccount
from bot.signin.sso import SsoValidator
from bot.store.connections import ConnectionStore
from bot.store.signins import Pending, PendingSignIns

log = logging.getLogger(__name__)

SIGNED_IN = "signin"  # `Connection.extra["auth"]` of a connection made by signing in
GRAPH_SCOPES = ["https://graph.microsoft.com/Calendars.Read"]
LINK_TTL = timedelta(minutes=10)
Provider = Literal["entra", "awork"]


@dataclass(frozen=True)
class SignInLink:
    url: str  # `/auth/start?state=…`
    state: str = field(repr=False)  # also the SSO token exchange's id: the card and the link are one sign-in


@dataclass(frozen=True)
class Redirect:
    url: str


@dataclass(frozen=True)
class Refused:
    """A page that says why the sign-in did not happen (a catalogue key), with its HTTP status."""

    key: str
    status: int
    pending: Pending | None = None  # known when the state was valid (then the asker can be told)
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SignedIn:
    identity: Identity
    backend: str
    account: str | None
    pending: Pending | None = None  # the link's pending sign-in (None for Teams SSO)


def _utc() -> datetime:
    return datetime.now(UTC)


class SignIn:
    def __init__(
        self,
        *,
        public_url: str,
        pending: PendingSignIns,
        connections: ConnectionStore,
        entra: Entra | None = None,
        timeghost_scope: str = "",
        awork: AworkOAuth | None = None,
        sso: SsoValidator | None = None,
        sso_resource: str = "",
        clock: Callable[[], datetime] = _utc,
        ttl: timedelta = LINK_TTL,
    ) -> None:
        self.public_url = public_url.rstrip("/")
        self.pending = pending
        self.connections = connections
        self.entra = entra
        self.awork = awork
        self.sso = sso
        self.sso_resource = sso_resource
        self._scopes: dict[str, list[str]] = {}
        if entra is not None and timeghost_scope:
            self._scopes["timeghost"] = [timeghost_scope]
        if entra is not None:
            self._scopes["calendar"] = list(GRAPH_SCOPES)
        self._clock = clock
        self._ttl = ttl

    # ---- what is offered ----------------------------------------------------------------------------------

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url}/auth/callback"

    @property
    def backends(self) -> list[str]:
        """What people can sign in to here, in the order `signin` tries them."""
        offered = [b for b in ("timeghost",) if b in self._scopes]
        if self.awork is not None:
            offered.append("awork")
        return offered

    def offers(self, backend: str) -> bool:
        return backend in self._scopes or (backend == "awork" and self.awork is not None)

    def provider(self, backend: str) -> Provider:
        return "awork" if backend == "awork" else "entra"

    def scopes(self, backend: str) -> list[str]:
        return list(self._scopes.get(backend, []))

    def sso_for(self, backend: str) -> bool:
        """Teams SSO (OAuthCard with a token exchange) can sign this backend in: an Entra one, SSO set up."""
        return self.sso is not None and self.provider(backend) == "entra" and self.offers(backend)

    # ---- the link flow ------------------------------------------------------------------------------------

    async def link(
        self,
        identity: Identity,
        backend: str,
        *,
        reference: dict[str, Any],
        command: str | None,
        locale: str,
    ) -> SignInLink:
        """A single-use sign-in link for `identity`, valid for `ttl`; confirmed later in `reference`."""
        data = {"backend": backend, "reference": reference, "command": command, "locale": locale}
        state = await self.pending.create(
            identity, self.provider(backend), data, now=self._clock(), ttl=self._ttl
        )
        return SignInLink(f"{self.public_url}/auth/start?{urlencode({'state': state})}", state)

    async def start(self, state: str) -> Redirect | Refused:
        pending = await self.pending.peek(state, now=self._clock()) if state else "unknown"
        if pending == "unknown":
            return Refused("signin.page.unknown", 404)
        if pending == "expired":
            return Refused("signin.page.expired", 410)
        backend = str(pending.data.get("backend"))
        try:
            if pending.provider == "awork":
                if self.awork is None:
                    return Refused("signin.page.misconfigured", 500, pending)
                verifier = pending.data.get("verifier") or secrets.token_urlsafe(48)
                if "verifier" not in pending.data:
                    await self.pending.replace(state, _with(pending, verifier=verifier))
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
                return Redirect(self.awork.authorize_url(state, self.redirect_uri, challenge.decode()))
            if self.entra is None or not self.offers(backend):
                return Refused("signin.page.misconfigured", 500, pending)
            flow = pending.data.get("flow")
            if not flow:
                flow = await self.entra.begin(
                    pending.identity, self.scopes(backend), self.redirect_uri, state=state
                )
                await self.pending.replace(state, _with(pending, flow=flow))
            return Redirect(str(flow["auth_uri"]))
        except EntraUnavailable:
            return Refused("signin.page.unavailable", 503, pending)
        except EntraMisconfigured as exc:
            log.error("sign-in link could not start: %s", exc)
            return Refused("signin.page.misconfigured", 500, pending)

    async def finish(self, params: Mapping[str, str]) -> SignedIn | Refused:
        """The callback: take the pending sign-in, redeem the code, keep the tokens if it is the asker."""
        state = params.get("state", "")
        pending = await self.pending.claim(state, now=self._clock()) if state else "unknown"
        if pending == "unknown":
            return Refused("signin.page.unknown", 400)
        if pending == "expired":
            return Refused("signin.page.expired", 410)
        if params.get("error"):
            detail = (params.get("error_description") or params["error"]).splitlines()[0][:200]
            return Refused("signin.page.cancelled", 400, pending, {"detail": detail})
        backend = str(pending.data.get("backend"))
        try:
            if pending.provider == "awork":
                account = await self._finish_awork(pending, params)
            else:
                account = await self._finish_entra(pending, params)
        except WrongAccount:
            log.warning("a sign-in link was completed by another account than the one who asked it")
            return Refused("signin.page.wrong_account", 403, pending)
        except SignInRequired as exc:
            log.info("sign-in callback refused: %s", exc.reason)
            return Refused("signin.page.failed", 400, pending)
        except (EntraUnavailable, AworkUnavailable):
            return Refused("signin.page.unavailable", 503, pending)
        except EntraMisconfigured as exc:
            log.error("sign-in callback failed: %s", exc)
            return Refused("signin.page.misconfigured", 500, pending)
        await self._remember(pending.identity, backend, account)
        return SignedIn(pending.identity, backend, account, pending)

    async def _finish_entra(self, pending: Pending, params: Mapping[str, str]) -> str | None:
        flow = pending.data.get("flow")
        if self.entra is None or not isinstance(flow, dict):
            raise SignInRequired("state", "the sign-in was never started")
        token = await self.entra.redeem(pending.identity, flow, dict(params))
        return token.username

    async def _finish_awork(self, pending: Pending, params: Mapping[str, str]) -> str | None:
        code, verifier = params.get("code", ""), str(pending.data.get("verifier") or "")
        if self.awork is None or not code or not verifier:
            raise SignInRequired("state", "no code or verifier")
        await self.awork.redeem(pending.identity, code, self.redirect_uri, verifier)
        return None  # awork's token says nothing about the account; binding it shows the user's name

    async def _remember(self, identity: Identity, backend: str, account: str | None) -> None:
        """Record the sign-in as the person's connection; a choice made on it before (the calendar feed
        being on) survives signing in again."""
        before = await self.connections.get(identity, backend)
        kept = {"feed": before.extra["feed"]} if before is not None and "feed" in before.extra else {}
        extra = {"auth": SIGNED_IN, **kept, **({"account": account} if account else {})}
        await self.connections.save(identity, Connection(backend, "", extra=extra))

    # ---- Teams SSO ----------------------------------------------------------------------------------------

    async def exchange(self, identity: Identity, sso_token: str, backend: str) -> SignedIn:
        """`signin/tokenExchange`: validate the SSO token, then on-behalf-of for `backend`'s scopes.

        Raises `SsoRejected` (the token is not acceptable), `SignInRequired` (consent, MFA: Teams should show
        the sign-in button instead), `EntraUnavailable` or `EntraMisconfigured`.
        """
        if self.sso is None or self.entra is None or not self.offers(backend):
            raise EntraMisconfigured("Teams SSO is not set up on this bot")
        valid = await self.sso.validate(
            sso_token, tenant_id=identity.tenant_id, aad_object_id=identity.aad_object_id
        )
        token = await self.entra.on_behalf_of(identity, valid.token, self.scopes(backend))
        account = token.username or valid.username
        await self._remember(identity, backend, account)
        return SignedIn(identity, backend, account)

    # ---- tokens, accounts, sign-out -----------------------------------------------------------------------

    async def token(self, identity: Identity, backend: str) -> str:
        """An access token for `backend` on the person's behalf; `SignInRequired` if they must sign in."""
        if self.provider(backend) == "awork":
            if self.awork is None:
                raise SignInRequired("no_account")
            return await self.awork.access_token(identity)
        if self.entra is None or not self.offers(backend):
            raise SignInRequired("no_account")
        return (await self.entra.silent(identity, self.scopes(backend))).access_token

    async def account(self, identity: Identity, backend: str) -> str | None:
        """The signed-in account's name for `backend` (None if not signed in, or its name is unknown)."""
        connection = await self.connections.get(identity, backend)
        if connection is None or connection.extra.get("auth") != SIGNED_IN:
            return None
        return connection.extra.get("account") or ""

    async def sign_out(self, identity: Identity, backend: str) -> bool:
        """Forget the sign-in: the MSAL account (or awork tokens) and the connection it made."""
        if self.provider(backend) == "awork":
            removed = self.awork is not None and await self.awork.sign_out(identity)
            return await self._forget(identity, ["awork"]) or removed
        removed = self.entra is not None and await self.entra.sign_out(identity)
        # One Microsoft account serves every Entra backend (timeghost, the calendar): all go together.
        entra_backends = [b for b in ("timeghost", "calendar")]
        return await self._forget(identity, entra_backends) or removed

    async def _forget(self, identity: Identity, backends: list[str]) -> bool:
        forgot = False
        for backend in backends:
            connection = await self.connections.get(identity, backend)
            if connection is not None and connection.extra.get("auth") == SIGNED_IN:
                forgot = await self.connections.delete(identity, backend) or forgot
        return forgot


def _with(pending: Pending, **data: Any) -> Pending:
    return Pending(pending.identity, pending.provider, {**pending.data, **data}, pending.expires_at)
