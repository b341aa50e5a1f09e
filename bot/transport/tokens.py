"""Outbound bearer tokens for the Bot Connector, fetched with botbuilder's credentials and cached.

botbuilder's `MicrosoftAppCredentials.get_access_token()` is synchronous MSAL (HTTP to Entra): it runs in a
worker thread, once for the whole process until the token is close to expiry, behind a lock so that many
concurrent turns trigger a single fetch. One credentials object lives as long as the app (botbuilder's own
factory builds a new one, and a new MSAL app, per turn).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

import jwt

from bot.settings import Settings

log = logging.getLogger(__name__)

# Refresh this long before the token's `exp`; Entra tokens live 60-90 minutes.
REFRESH_MARGIN = 300.0
# When the token's expiry cannot be read (opaque token), keep it this long.
FALLBACK_TTL = 600.0


class TokenProvider(Protocol):
    """Gives the `Authorization` bearer token for outbound connector calls."""

    async def get_token(self) -> str: ...

    def invalidate(self) -> None:
        """The connector rejected the token (401): fetch a new one next time."""
        ...


class CachedTokenProvider:
    """Caches the token from a synchronous `fetch()` (run in a thread) until shortly before it expires."""

    def __init__(self, fetch: Callable[[], str], *, clock: Callable[[], float] = time.time) -> None:
        self._fetch = fetch
        self._clock = clock
        self._token: str | None = None
        self._refresh_at = 0.0
        self._lock = asyncio.Lock()
        self.fetch_count = 0

    async def get_token(self) -> str:
        token = self._token
        if token is not None and self._clock() < self._refresh_at:
            return token
        async with self._lock:
            if self._token is not None and self._clock() < self._refresh_at:
                return self._token
            token = await asyncio.to_thread(self._fetch)
            self.fetch_count += 1
            self._token = token
            self._refresh_at = _expiry(token, self._clock()) - REFRESH_MARGIN
            return token

    def invalidate(self) -> None:
        self._token = None
        self._refresh_at = 0.0


def _expiry(token: str, now: float) -> float:
    """The token's `exp` (read without verification: we only use it to schedule a refresh)."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
        exp = float(claims["exp"])
    except Exception:
        return now + FALLBACK_TTL + REFRESH_MARGIN
    # Never trust a far-future exp for longer than a day, nor a past one.
    return min(max(exp, now + REFRESH_MARGIN + 1.0), now + 86_400.0)


def botframework_credentials(settings: Settings) -> Any:
    """botbuilder's credentials object for the app (SingleTenant / MultiTenant / UserAssignedMSI)."""
    if settings.app_type == "UserAssignedMSI":
        from botframework.connector.auth import ManagedIdentityAppCredentials

        return ManagedIdentityAppCredentials(settings.app_id)
    from botframework.connector.auth import MicrosoftAppCredentials

    tenant = settings.app_tenant_id if settings.app_type == "SingleTenant" else None
    return MicrosoftAppCredentials(
        settings.app_id, settings.app_password.get_secret_value(), channel_auth_tenant=tenant
    )


def botframework_token_provider(settings: Settings) -> CachedTokenProvider:
    credentials = botframework_credentials(settings)

    def fetch() -> str:
        token = credentials.get_access_token()
        if not isinstance(token, str) or not token:
            raise PermissionError("no access token for the Bot Connector")
        return token

    return CachedTokenProvider(fetch)
