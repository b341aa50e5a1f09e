"""Build the real application from settings: database, migrations, state store, backend, caches."""

from __future__ import annotations

from bot.reports.files import file_store_from_settings
from bot.service.context import Services
from bot.service.refdata import RefDataCache
from bot.settings import Settings
from bot.timebot import Timebot


def build_handler(settings: Settings) -> Timebot:
    """The `TurnHandler` the transport serves. Migrations run at start-up (idempotent, lock-protected)."""
    from adapters.local.factory import LocalBackendFactory
    from bot.store.db import create_engine
    from bot.store.migrate import upgrade
    from bot.store.state import Store

    engine = create_engine(settings.effective_database_url)
    services = Services(store=Store(engine), refdata=RefDataCache(), files=file_store_from_settings(settings))

    async def migrate() -> None:
        await upgrade(engine)

    async def dispose() -> None:
        await engine.dispose()

    return Timebot(
        services,
        LocalBackendFactory(engine),
        default_timezone=settings.default_timezone,
        on_startup=[migrate],
        on_shutdown=[dispose],
    )
