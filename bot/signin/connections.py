"""The connections adapters bind with: a signed-in person's fresh access token in place of an API key.

`SignedInConnections` implements `adapters.credentials.ConnectionSource`. A connection made by signing in
(`extra.auth == "signin"`) becomes a bearer connection with a token from `SignIn.token` (MSAL's silent flow
or awork's refresh); an API-key connection is passed through unchanged; with no connection at all the
fallback source answers (awork's service account), and if that has nothing either and sign-in is offered
for the backend, `SignInNeeded` tells the reply layer to prompt for it.
"""

from __future__ import annotations

import logging

from adapters.backend import Identity
from adapters.credentials import Connection, ConnectionSource
from adapters.errors import PermissionDenied, Unauthorized, Unavailable
from bot.signin.awork import AworkUnavailable
from bot.signin.entra import EntraMisconfigured, EntraUnavailable, SignInRequired
from bot.signin.service import SIGNED_IN, SignIn

log = logging.getLogger(__name__)


class SignInNeeded(Unauthorized):
    """The person must sign in to `backend` (no account yet, or MSAL/awork need them again)."""

    def __init__(self, backend: str, reason: str) -> None:
        super().__init__(f"sign in to {backend} ({reason})")
        self.backend = backend
        self.reason = reason


class SignedInConnections:
    def __init__(
        self, connections: ConnectionSource, signin: SignIn | None, fallback: ConnectionSource | None = None
    ) -> None:
        self._connections = connections
        self._signin = signin
        self._fallback = fallback

    async def get(self, identity: Identity, backend: str) -> Connection | None:
        connection = await self._connections.get(identity, backend)
        if connection is not None and connection.extra.get("auth") == SIGNED_IN:
            if self._signin is None:
                return None  # signed in while sign-in was configured; it is not any more
            try:
                token = await self._signin.token(identity, backend)
            except SignInRequired as exc:
                raise SignInNeeded(backend, exc.reason) from None
            except (EntraUnavailable, AworkUnavailable) as exc:
                raise Unavailable(f"sign-in service unreachable ({exc})") from None
            except EntraMisconfigured as exc:
                log.error("sign-in is misconfigured: %s", exc)
                raise PermissionDenied("sign-in is not set up correctly on this bot") from None
            extra = {k: v for k, v in connection.extra.items() if k not in ("auth", "account")}
            return Connection(backend, token, connection.workspace_id, extra={**extra, "auth": "bearer"})
        if connection is None and self._fallback is not None:
            connection = await self._fallback.get(identity, backend)
        if connection is None and self._signin is not None and self._signin.offers(backend):
            raise SignInNeeded(backend, "no_account")
        return connection
