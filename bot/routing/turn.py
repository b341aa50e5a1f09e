"""One inbound activity with what the bot knows about its sender: identity, state key, user context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from adapters.backend import Identity
from bot.activity import Activity
from bot.operations import ParseContext
from bot.service.backends import BackendRegistry
from bot.service.context import Conversation, Services, UserContext
from bot.store.state import UserPrefs

LOCAL_TENANT = "local"


@dataclass(frozen=True, slots=True)
class StateKey:
    """What "a conversation" means for state (aiogram-style): the user within one chat or channel thread."""

    tenant_id: str
    conversation_id: str
    user_id: str
    scope: Literal["personal", "groupChat", "channel"]


def identity_of(activity: Activity) -> Identity | None:
    """The person behind the activity, by Entra object id (falling back to the channel user id)."""
    user_id = activity.from_.aad_object_id or activity.from_.id
    if not user_id:
        return None
    return Identity(
        tenant_id=activity.tenant_id or LOCAL_TENANT,
        aad_object_id=user_id,
        name=activity.from_.name or "Teams user",
    )


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@dataclass
class Turn:
    activity: Activity
    services: Services
    backends: BackendRegistry
    default_timezone: str
    default_backend: str = "local"
    _user: UserContext | None = field(default=None, init=False)

    @property
    def locale(self) -> str:
        return self.activity.locale or "en-US"

    @property
    def state_key(self) -> StateKey:
        ident = identity_of(self.activity)
        return StateKey(
            tenant_id=ident.tenant_id if ident else LOCAL_TENANT,
            conversation_id=self.activity.conversation.id,
            user_id=ident.aad_object_id if ident else "",
            scope=self.activity.scope,
        )

    @property
    def identity(self) -> Identity | None:
        return identity_of(self.activity)

    async def prefs(self, identity: Identity) -> UserPrefs:
        return await self.services.store.get_prefs(identity.tenant_id, identity.aad_object_id)

    def fallback_parse_context(self) -> ParseContext:
        """A parse context without the backend (it could not be bound): the client's zone or the default."""
        tz = _zone(self.activity.client_timezone()) or ZoneInfo(self.default_timezone)
        return ParseContext(now=self.services.clock().astimezone(tz), tz=tz, locale=self.locale)

    async def user(self) -> UserContext | None:
        """The sender's context; None when the activity carries no usable user id."""
        if self._user is not None:
            return self._user
        identity = identity_of(self.activity)
        if identity is None:
            return None
        prefs = await self.prefs(identity)
        backend = await self.backends.bind(identity, prefs.backend or self.default_backend)
        client_tz = _zone(self.activity.client_timezone())
        # An explicit choice (`timezone`, the settings card) wins; until then Teams' client zone.
        tz = (
            _zone(prefs.timezone)
            or client_tz
            or _zone(backend.user.timezone)
            or _zone(
                backend.workspace.settings.default_timezone
                if backend.workspace.settings.default_timezone != "UTC"
                else None
            )
            or ZoneInfo(self.default_timezone)
        )
        self._user = UserContext(
            identity=identity,
            backend=backend,
            prefs=prefs,
            tz=tz,
            locale=self.locale,
            now=self.services.clock().astimezone(tz),
            services=self.services,
            scope=self.activity.scope,
            conversation=Conversation(
                id=self.activity.conversation.id,
                scope=self.activity.scope,
                tenant_id=identity.tenant_id,
                reference=self.activity.reference(),
            ),
            client_tz=client_tz,
        )
        return self._user
