"""Inbound authentication: the Bot Framework JWT on every activity, validated by botbuilder's own code.

`BotFrameworkAuthenticationFactory.create()` picks the validator exactly as `CloudAdapter` would: the public
cloud one, or the parameterized one when `settings.openid_metadata_url` / `settings.token_issuer` override
Bot Framework's `TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL` / `TO_BOT_FROM_CHANNEL_TOKEN_ISSUER` (tests point
them at a local JWKS; sovereign clouds at theirs). It checks the signature against the channel's JWKS, the
`iss`, `exp`/`nbf` (5 min skew), the `msteams` endorsement of the signing key, `aud` = our app id and the
`serviceurl` claim = the activity's `serviceUrl`.

Every failure — a `PermissionError` from the validator, a PyJWT error, the `IndexError` botbuilder raises for
an unknown `kid`, a missing or malformed header, a JWKS fetch failure — becomes `AuthError` (HTTP 401).

botbuilder fetches the OpenID metadata/JWKS with blocking `requests.get` inside its coroutines (daily, and
at most hourly on an unknown `kid`). `_prefetch_keys` does that refresh in a worker thread first, so the
event loop never blocks on it.

The channel sends the same token with every activity until it nears expiry, and validating it (three
unverified decodes, an RS256 signature, botbuilder's claim checks) was the largest cost of a turn. So a
token that passed is remembered — keyed by a digest of the whole header, the channel id and the
`serviceUrl` it was checked against — until its `exp`, at most `VALIDATED_TTL` seconds (so a key withdrawn
from the JWKS stops working within that time), for at most `VALIDATED_MAX` tokens. Anything that differs in
one byte, or another `serviceUrl`, is validated in full.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from botbuilder.schema import Activity as BFActivity
from botbuilder.schema import ChannelAccount as BFChannelAccount
from botframework.connector.auth import (
    AuthenticationConfiguration,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    BotFrameworkAuthenticationFactory,
    EmulatorValidation,
    JwtTokenExtractor,
    PasswordServiceClientCredentialFactory,
    SkillValidation,
)

from bot.settings import Settings
from bot.transport.redact import redact

log = logging.getLogger(__name__)


VALIDATED_TTL = 300.0  # seconds a validated token is trusted without checking it again (capped by its exp)
VALIDATED_MAX = 4096  # tokens remembered (least recently used go first)


class AuthError(Exception):
    """The request is not authenticated; answer 401. The message is safe to log (no token in it)."""


class InboundAuthenticator:
    def __init__(
        self,
        settings: Settings,
        *,
        authentication: BotFrameworkAuthentication | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if settings.local_mode:
            raise ValueError("no inbound authentication in local mode (no MicrosoftAppId)")
        self._app_id = settings.app_id
        self._channel_metadata_url = (
            settings.openid_metadata_url or AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
        )
        self._emulator_metadata_url = (
            None
            if settings.openid_metadata_url or settings.token_issuer
            else AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL
        )
        if authentication is None:
            overrides: dict[str, Any] = {}
            if settings.openid_metadata_url or settings.token_issuer:
                overrides = {
                    "to_bot_from_channel_open_id_metadata_url": self._channel_metadata_url,
                    "to_bot_from_channel_token_issuer": (
                        settings.token_issuer or AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER
                    ),
                    "to_channel_from_bot_oauth_scope": (
                        AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
                    ),
                }
            authentication = BotFrameworkAuthenticationFactory.create(
                # Inbound validation only uses is_valid_app_id / is_authentication_disabled.
                credential_factory=PasswordServiceClientCredentialFactory(app_id=settings.app_id),
                auth_configuration=AuthenticationConfiguration(),
                **overrides,
            )
        self._authentication = authentication
        self._refresh_lock = asyncio.Lock()
        self._clock = clock
        self._validated: OrderedDict[bytes, tuple[float, dict[str, Any]]] = OrderedDict()

    async def authenticate(
        self, auth_header: str | None, *, channel_id: str | None, service_url: str | None
    ) -> dict[str, Any]:
        """The validated token claims, or `AuthError`."""
        if not auth_header:
            raise AuthError("missing Authorization header")
        parts = auth_header.split(" ")
        if len(parts) != 2 or parts[0] != "Bearer" or parts[1].count(".") != 2:
            raise AuthError("malformed Authorization header")
        key = hashlib.sha256(f"{auth_header}\n{channel_id}\n{service_url}".encode()).digest()
        now = self._clock()
        hit = self._validated.get(key)
        if hit is not None:
            if now < hit[0]:
                self._validated.move_to_end(key)
                return dict(hit[1])
            del self._validated[key]
        claims = await self._validate(auth_header, channel_id=channel_id, service_url=service_url)
        until = min(now + VALIDATED_TTL, _number(claims.get("exp"), default=now))
        if until > now:
            self._validated[key] = (until, dict(claims))
            while len(self._validated) > VALIDATED_MAX:
                self._validated.popitem(last=False)
        return claims

    async def _validate(
        self, auth_header: str, *, channel_id: str | None, service_url: str | None
    ) -> dict[str, Any]:
        activity = BFActivity(
            channel_id=channel_id, service_url=service_url, recipient=BFChannelAccount(role="bot")
        )
        try:
            await self._prefetch_keys(auth_header)
            result = await self._authentication.authenticate_request(activity, auth_header)
            identity = getattr(result, "claims_identity", None)
            if identity is None or not identity.is_authenticated:
                raise AuthError("token not authenticated")
            claims: dict[str, Any] = dict(identity.claims or {})
        except AuthError:
            raise
        except Exception as exc:  # PermissionError, jwt.PyJWTError, IndexError (unknown kid), requests …
            raise AuthError(f"token rejected ({type(exc).__name__}: {_safe(exc)})") from None
        # Belt and braces: botbuilder already compared these for channel tokens.
        claimed = claims.get(AuthenticationConstants.SERVICE_URL_CLAIM)
        if claimed is not None and claimed != service_url:
            raise AuthError("serviceurl claim does not match the activity")
        return claims

    async def _prefetch_keys(self, auth_header: str) -> None:
        """Refresh botbuilder's cached OpenID keys off the event loop when botbuilder would refresh them."""
        skill = SkillValidation.is_skill_token(auth_header)
        emulator_like = skill or EmulatorValidation.is_token_from_emulator(auth_header)
        url = self._emulator_metadata_url if emulator_like else self._channel_metadata_url
        if not url:
            return
        metadata = JwtTokenExtractor.get_open_id_metadata(url)
        kid = _unverified_kid(auth_header)
        if not _needs_refresh(metadata, kid):
            return
        async with self._refresh_lock:
            metadata = JwtTokenExtractor.get_open_id_metadata(url)
            if _needs_refresh(metadata, kid):
                await asyncio.to_thread(_refresh_blocking, metadata)


def _number(value: Any, *, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _unverified_kid(auth_header: str) -> str | None:
    import jwt

    try:
        kid = jwt.get_unverified_header(auth_header.split(" ", 1)[1]).get("kid")
    except Exception:
        return None
    return kid if isinstance(kid, str) else None


def _needs_refresh(metadata: Any, kid: str | None) -> bool:
    last = getattr(metadata, "last_updated", None)
    keys = getattr(metadata, "keys", None)
    if not isinstance(last, datetime) or not isinstance(keys, list):
        return False  # botbuilder internals changed: let it do its own thing
    now = datetime.now()
    if last < now - timedelta(days=1) + timedelta(minutes=1):
        return True
    known = any(isinstance(k, dict) and k.get("kid") == kid for k in keys)
    return kid is not None and not known and last < now - timedelta(hours=1)


def _refresh_blocking(metadata: Any) -> None:
    """Run botbuilder's (blocking, but `async def`) refresh on this worker thread's own loop."""
    asyncio.run(metadata._refresh())


def _safe(exc: BaseException) -> str:
    """An exception message, shortened, with anything token-like redacted."""
    return redact(str(exc).replace("\n", " "))[:200]
