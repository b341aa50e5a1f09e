"""The bot's configured backend (`TIMEBOT_BACKEND`) is everyone's until they choose one with `connect`;
saving another preference (a time zone) must not quietly pin them to the local tracker."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import Backend, Identity
from adapters.local.factory import LocalBackendFactory
from bot.activity import Activity
from bot.service.backends import BackendRegistry
from bot.service.context import Services
from bot.service.refdata import RefDataCache
from bot.store.state import Store
from bot.timebot import Timebot
from tests.support.harness import activity_json


class Recording:
    """A backend kind served by a local factory, noting which kind each person was bound to."""

    def __init__(self, kind: str, engine: AsyncEngine, bound: list[str]) -> None:
        self.kind = kind
        self._inner = LocalBackendFactory(engine)
        self._bound = bound

    async def bind(self, identity: Identity) -> Backend:
        self._bound.append(self.kind)
        return await self._inner.bind(identity)

    async def close(self) -> None:
        await self._inner.close()


async def test_the_configured_default_applies_until_a_person_connects(engine: AsyncEngine) -> None:
    bound: list[str] = []
    services = Services(store=Store(engine), refdata=RefDataCache())
    registry = BackendRegistry(
        {"local": Recording("local", engine, bound), "team": Recording("team", engine, bound)}, ttl_seconds=0
    )
    bot = Timebot(services, registry, default_backend="team")

    async def say(text: str) -> None:
        await bot.handle(Activity.model_validate(activity_json(text)))

    await say("timezone Europe/Berlin")
    await say("status")
    assert bound and set(bound) == {"team"}
    prefs = await services.store.get_prefs("tenant-1", "user-1")
    assert prefs.timezone == "Europe/Berlin" and prefs.backend is None

    bound.clear()
    await say("connect local")
    await say("status")
    assert bound[-1] == "local"
