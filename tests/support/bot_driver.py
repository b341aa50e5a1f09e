"""Drive the real bot (parser → service → adapter) against any conformance harness, on the real clock.

`tests.support.harness.Harness` is bound to the local backend and a test clock; the remote fakes keep
wall-clock time, so this driver uses the real clock and binds the person through the harness instead. To keep
results independent of the time of day anyway, the person's Teams client sits in a zone where it is about noon
now (`noon_zone`): "9-10", "come at 9" and "log 30m" then always fall on today, in the past.

`say(text)` returns the typed outcome of a command (better for assertions than a card), `press(outcome, verb)`
presses a button of the card that outcome renders to, and `render(outcome)` is the card a person would see.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.backend import Backend, BackendFactory, Identity
from bot.activity import Activity
from bot.commands import clean_text, parse
from bot.features.card_actions import VERBS
from bot.features.respond import render, run_operation
from bot.operations import Ambiguity, ParseFailure
from bot.routing.turn import Turn
from bot.service.backends import BackendRegistry
from bot.service.context import Services
from bot.service.outcomes import Outcome
from bot.service.refdata import RefDataCache
from bot.store.feed import FeedState
from bot.store.state import Store, UserPrefs
from tests.conformance.harnesses import Harness
from tests.support.db import migrated_engine
from tests.support.harness import activity_json

Result = Outcome | Ambiguity | ParseFailure


def noon_zone(now: datetime | None = None) -> str:
    """An IANA `Etc/GMT…` zone whose local time is 12:xx at `now` (UTC offsets run from -12 to +14 h)."""
    offset = 12 - (now or datetime.now(UTC)).astimezone(UTC).hour  # in [-11, 12]
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # the Etc/ names invert the sign


@dataclass
class _HarnessFactory:
    """A `BackendFactory` that binds through the harness (which connects the person to the fake first)."""

    kind: str
    harness: Harness

    async def bind(self, identity: Identity) -> Backend:
        return await self.harness.bind(identity)

    async def close(self) -> None:
        return None  # the harness owns the real factory and closes it


@dataclass
class _Unused:
    """The registry always has `local`; for a person connected elsewhere, binding it is a routing bug."""

    kind: str = "local"

    async def bind(self, identity: Identity) -> Backend:
        raise AssertionError("the person is connected to another backend, yet the bot bound `local`")

    async def close(self) -> None:
        return None


class BotDriver:
    """One person talking to the bot in personal chat, connected to the harness's backend."""

    def __init__(
        self, harness: Harness, services: Services, backend: Backend, who: Identity, tz: str
    ) -> None:
        self.harness = harness
        self.services = services
        self.backend = backend
        self.who = who
        self.tz = tz
        factory = _HarnessFactory(backend.kind, harness)
        factories: dict[str, BackendFactory] = {"local": _Unused(), backend.kind: factory}
        self.backends = BackendRegistry(factories)

    def _turn(self, locale: str, text: str | None = None, value: Any = None) -> Turn:
        data = activity_json(
            text,
            value=value,
            user=self.who.aad_object_id,
            name=self.who.name,
            tenant=self.harness.tenant_id,
            tz=self.tz,
            locale=locale,
        )
        return Turn(Activity.model_validate(data), self.services, self.backends, "UTC")

    async def say(self, text: str, *, locale: str = "en-US") -> Result:
        """What typing `text` produces, as `bot.features.respond.run_text` computes it."""
        turn = self._turn(locale, text)
        ctx = await turn.user()
        assert ctx is not None
        return await run_operation(turn, parse(clean_text(text), ctx.parse_context), retry_command=text)

    async def press(self, outcome: Result, verb: str, *, locale: str = "en-US") -> Result:
        """Press the button `verb` on the card `outcome` renders to, through the bot's card-verb table."""
        data = next(
            (d for d in _action_data(self.render(outcome, locale=locale)) if d.get("verb") == verb), None
        )
        assert data is not None, f"no {verb!r} button on the card for {type(outcome).__name__}"
        action = VERBS[verb]
        return await action.run(self._turn(locale, value=data), action.payload.model_validate(data))

    def render(self, outcome: Result, *, locale: str = "en-US") -> dict[str, Any]:
        return render(self._turn(locale, ""), outcome)


def _action_data(node: Any) -> Iterator[dict[str, Any]]:
    """The `data` of every action in a card, at any depth."""
    if isinstance(node, dict):
        if isinstance(node.get("type"), str) and node["type"].startswith("Action.") and "data" in node:
            yield node["data"]
        for value in node.values():
            yield from _action_data(value)
    elif isinstance(node, list):
        for value in node:
            yield from _action_data(value)


@asynccontextmanager
async def bot_driver(harness: Harness, tmp_path: Path, who: str = "alice") -> AsyncIterator[BotDriver]:
    """A driver for `who` (the first one bound is the workspace admin), connected the way `connect` leaves a
    person: their prefs name the harness's backend and workspace. The bot's own state is a fresh SQLite."""
    identity = harness.identity(who)
    backend = await harness.bind(identity)
    async with migrated_engine("sqlite", tmp_path) as engine:
        store = Store(engine)
        await store.save_prefs(
            UserPrefs(
                tenant_id=identity.tenant_id,
                aad_object_id=identity.aad_object_id,
                backend=backend.kind,
                workspace_id=backend.workspace.id,
            )
        )
        services = Services(store=store, refdata=RefDataCache(), feed=FeedState.on(engine))
        yield BotDriver(harness, services, backend, identity, noon_zone())
