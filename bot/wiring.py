"""Build the real application from settings: database, migrations, state store, backend, caches."""

from __future__ import annotations

from datetime import timedelta

from adapters.backend import BackendFactory, Identity
from adapters.credentials import Connection, ConnectionSource
from bot.reports.files import file_store_from_settings
from bot.secrets import root_secrets
from bot.service.backends import BackendRegistry
from bot.service.context import Services
from bot.service.refdata import RefDataCache
from bot.settings import Settings
from bot.timebot import Timebot


def build_handler(settings: Settings) -> Timebot:
    """The `TurnHandler` the transport serves. Migrations run at start-up (idempotent, lock-protected)."""
    from adapters.local.factory import LocalBackendFactory
    from adapters.sql import create_engine
    from bot.notify import NotificationQueue
    from bot.store.connections import ConnectionStore
    from bot.store.migrate import upgrade
    from bot.store.outbox import Outbox
    from bot.store.state import Store

    engine = create_engine(settings.effective_database_url)
    roots = root_secrets(settings.secret_key.get_secret_value(), settings.data_dir)
    connections = ConnectionStore(engine, roots)
    services = Services(
        store=Store(engine),
        refdata=RefDataCache(),
        files=file_store_from_settings(settings),
        connections=connections,
        outbox=Outbox(engine),
        native_reports=frozenset({"timeghost"} if settings.timeghost_report == "timeghost" else ()),
        notifications=NotificationQueue(
            engine,
            lease=timedelta(seconds=settings.notify_lease_seconds),
            max_age=timedelta(hours=settings.notify_max_age_hours),
        ),
    )
    local = LocalBackendFactory(engine)
    registry = BackendRegistry(remote_factories(settings, connections) | {"local": local})

    async def migrate() -> None:
        await upgrade(engine)

    async def dispose() -> None:
        await engine.dispose()

    return Timebot(
        services,
        registry,
        default_timezone=settings.default_timezone,
        default_backend=settings.backend,
        on_startup=[migrate],
        on_shutdown=[dispose],
        notify_concurrency=settings.notify_concurrency,
    )


def remote_factories(settings: Settings, connections: ConnectionSource) -> dict[str, BackendFactory]:
    """The remote backends people may `connect` to, each at its configured base URL.

    Everyone acts with their own connection; awork alone may fall back to a documented service account
    (`TIMEBOT_AWORK_SERVICE_TOKEN`) until OAuth sign-in exists.
    """
    from adapters.awork.factory import AworkBackendFactory, service_account_connections
    from adapters.focus import FocusBackendFactory
    from adapters.timeghost.backend import TimeghostBackendFactory
    from adapters.toggl.factory import TogglBackendFactory

    return {
        "toggl": TogglBackendFactory(
            settings.toggl_url,
            settings.toggl_reports_url,
            settings.toggl_webhooks_url,
            connections=connections,
        ),
        "focus": FocusBackendFactory(settings.focus_url, connections),
        "awork": AworkBackendFactory(settings.awork_url, FirstOf(connections, service_account_connections())),
        "timeghost": TimeghostBackendFactory(settings.timeghost_url, connections),
    }


class FirstOf:
    """A person's own connection first, then a fallback source."""

    def __init__(self, *sources: ConnectionSource) -> None:
        self._sources = sources

    async def get(self, identity: Identity, backend: str) -> Connection | None:
        for source in self._sources:
            found = await source.get(identity, backend)
            if found is not None:
                return found
        return None
