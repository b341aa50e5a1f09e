"""People the bot may message on its own: remembered from their personal chat, and their context rebuilt
outside any turn (for reminders and feed pushes) the way a turn would build it.

Every message or card action in a personal chat records where the chat is, the person's language, zone and
tracker, and when they were last active; and plans their reminders for the day ahead. Both are written at
most every few minutes per person (remembered in memory), so a busy chat costs no extra writes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from adapters.backend import Identity
from bot.routing.turn import Turn
from bot.service.backends import BackendRegistry
from bot.service.context import Services, UserContext
from bot.service.schedule import enabled, end_of_day_at, next_day
from bot.store.people import Person
from bot.store.state import UserPrefs

log = logging.getLogger(__name__)

REWRITE_EVERY = timedelta(minutes=5)
_MEMO_LIMIT = 50_000


@dataclass(frozen=True)
class _Seen:
    fingerprint: tuple[object, ...]
    written_at: datetime


class PersonalChats:
    """Remembers people from their personal chats (`note`), and builds their context later (`context`)."""

    def __init__(self, services: Services, registry: BackendRegistry, default_backend: str) -> None:
        self.services = services
        self.registry = registry
        self.default_backend = default_backend
        self._seen: dict[tuple[str, str], _Seen] = {}

    async def note(self, turn: Turn) -> None:
        """After a turn in a personal chat: remember the person and plan their reminders."""
        people = self.services.people
        activity = turn.activity
        if people is None or activity.scope != "personal" or activity.type not in ("message", "invoke"):
            return
        if not activity.service_url or not activity.conversation.id:
            return
        ctx = await turn.user()
        if ctx is None:
            return
        now = self.services.clock()
        day = next_day(now, ctx.tz, ctx.prefs)
        backend = ctx.backend
        fingerprint = (
            activity.service_url,
            activity.conversation.id,
            turn.locale,
            str(ctx.tz),
            backend.kind,
            backend.workspace.id,
            backend.user.id,
            day,
            ctx.prefs,
        )
        key = (ctx.identity.tenant_id, ctx.identity.aad_object_id)
        seen = self._seen.get(key)
        if seen is not None and seen.fingerprint == fingerprint and now - seen.written_at < REWRITE_EVERY:
            return  # nearly every turn: the person is only built (reference and all) to be written
        person = Person(
            tenant_id=key[0],
            aad_object_id=key[1],
            name=ctx.identity.name[:200],
            reference=activity.reference(),
            locale=turn.locale,
            timezone=str(ctx.tz),
            backend=backend.kind,
            workspace_id=backend.workspace.id,
            user_id=backend.user.id,
            last_active_at=now,
        )
        await people.save(person, now)
        await self.plan(person.tenant_id, person.aad_object_id, ctx.tz, ctx.prefs, now)
        if len(self._seen) >= _MEMO_LIMIT:
            self._seen.clear()
        self._seen[key] = _Seen(fingerprint, now)

    async def plan(
        self, tenant_id: str, aad_object_id: str, tz: ZoneInfo, prefs: UserPrefs, now: datetime
    ) -> None:
        """The person's reminders for the next day whose end is still ahead (the kinds they have on)."""
        reminders = self.services.reminders
        if reminders is None:
            return
        day = next_day(now, tz, prefs)
        for kind in enabled(prefs):
            await reminders.plan(tenant_id, aad_object_id, kind, day, end_of_day_at(day, tz, prefs), now)

    def forget(self, tenant_id: str, aad_object_id: str) -> None:
        """Their settings changed: write and plan again on the next message."""
        self._seen.pop((tenant_id, aad_object_id), None)

    async def context(self, person: Person, prefs: UserPrefs | None = None) -> UserContext:
        """The person's context outside a turn: their backend (their own connection), zone and language."""
        identity = Identity(person.tenant_id, person.aad_object_id, person.name)
        if prefs is None:
            prefs = await self.services.store.get_prefs(person.tenant_id, person.aad_object_id)
        backend = await self.registry.bind(identity, prefs.backend or self.default_backend)
        tz = zone(person.timezone)
        return UserContext(
            identity=identity,
            backend=backend,
            prefs=prefs,
            tz=tz,
            locale=person.locale,
            now=self.services.clock().astimezone(tz),
            services=self.services,
        )


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
