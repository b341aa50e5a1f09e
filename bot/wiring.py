"""Build the real application from settings: database, migrations, state store, backend, caches."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from adapters.backend import BackendFactory, Identity
from adapters.credentials import Connection, ConnectionSource
from adapters.local.cache import EntryReadCache
from adapters.refcache import ReferenceCache
from bot.reports.files import file_store_from_settings
from bot.secrets import root_secrets
from bot.service.backends import BackendRegistry
from bot.service.context import Services
from bot.service.recent import RecentEntries
from bot.service.refdata import RefDataCache
from bot.settings import Settings
from bot.store.broadcast import Bus, LocalBus, PostgresBus
from bot.timebot import Timebot

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from bot.service.calendarfeed import CalendarFeed
    from bot.signin.service import SignIn
    from bot.store.connections import ConnectionStore


def build_handler(settings: Settings) -> Timebot:
    """The `TurnHandler` the transport serves. Migrations run at start-up (idempotent, lock-protected)."""
    from adapters.local.factory import LocalBackendFactory
    from adapters.sql import create_engine
    from bot.notify import NotificationQueue
    from bot.notify.changes import ChangeStore
    from bot.notify.subscriptions import SubscriptionStore
    from bot.store.connections import ConnectionStore
    from bot.store.feed import FeedState
    from bot.store.migrate import upgrade
    from bot.store.outbox import Outbox
    from bot.store.people import People
    from bot.store.reminders import Reminders
    from bot.store.state import Store

    engine = create_engine(settings.effective_database_url, **settings.database_pool)
    # Several processes share a PostgreSQL database: their caches are invalidated over LISTEN/NOTIFY.
    bus = PostgresBus(engine) if engine.dialect.name == "postgresql" else None
    roots = root_secrets(settings.secret_key.get_secret_value(), settings.data_dir)
    connections = ConnectionStore(engine, roots)
    signin = signin_from_settings(settings, engine, roots, connections)
    calendar = calendar_feed(settings, engine) if signin is not None and signin.entra is not None else None
    references = ReferenceCache(ttl=settings.refdata_ttl_seconds, size=settings.refdata_cache_size)
    recent = RecentEntries()
    entries = shared_entry_cache(bus) if bus is not None else None
    services = Services(
        store=Store(engine, bus=bus),
        refdata=RefDataCache(references),
        files=file_store_from_settings(settings),
        connections=connections,
        outbox=Outbox(engine),
        native_reports=frozenset({"timeghost"} if settings.timeghost_report == "timeghost" else ()),
        feed=FeedState.on(engine),
        people=People(engine),
        reminders=Reminders(engine),
        notifications=NotificationQueue(
            engine,
            lease=timedelta(seconds=settings.notify_lease_seconds),
            max_age=timedelta(hours=settings.notify_max_age_hours),
        ),
        signin=signin,
        subscriptions=SubscriptionStore(engine, roots),
        changes=ChangeStore(engine),
        public_url=settings.effective_public_url,
        poll_seconds=settings.focus_poll_seconds,
        feed_sources=(calendar,) if calendar is not None else (),
        recent=recent,
        bus=bus if bus is not None else LocalBus(),
    )
    local = LocalBackendFactory(engine, read_cache=entries)
    remotes = remote_factories(settings, connections, signin, references=references)
    registry = BackendRegistry(remotes | {"local": local})
    if bus is not None:
        share_caches(bus, references, recent, entries, remotes, registry)

    async def migrate() -> None:
        await upgrade(engine)
        if bus is not None:
            await bus.start()

    async def dispose() -> None:
        if bus is not None:
            await bus.close()
        if signin is not None and signin.awork is not None:
            await signin.awork.aclose()
        if calendar is not None:
            await calendar.graph.aclose()
        await engine.dispose()

    return Timebot(
        services,
        registry,
        default_timezone=settings.default_timezone,
        default_backend=settings.backend,
        on_startup=[migrate],
        on_shutdown=[dispose],
        notify_concurrency=settings.notify_concurrency,
        notify_window=timedelta(seconds=settings.notify_window_seconds),
    )


def shared_entry_cache(bus: Bus) -> EntryReadCache:
    """The local backend's read memo for a database other processes write too: trusted while the bus
    listens, every write and workspace change announced on it (`share_caches` subscribes it)."""
    return EntryReadCache(
        trusted=lambda: bus.live,
        announce=lambda user: bus.publish("entries", user),
        announce_workspace=lambda workspace: bus.publish("workspace", workspace),
    )


def share_caches(
    bus: Bus,
    references: ReferenceCache,
    recent: RecentEntries,
    entries: EntryReadCache | None,
    remotes: dict[str, BackendFactory],
    registry: BackendRegistry | None = None,
) -> None:
    """Every process-local cache on the bus: what this process invalidates is announced to the others, what
    they announce is dropped here, and everything is emptied when the bus may have missed something."""
    references.announce = lambda kind, workspace: bus.publish("refdata", kind, workspace)
    bus.subscribe(
        "refdata", lambda key: references.invalidate(key[0], key[1], announce=False), references.clear
    )

    def forget_timers(workspace: str | None = None, user: str | None = None) -> None:
        for factory in remotes.values():
            forget = getattr(factory, "forget_timer", None)
            if forget is not None:
                forget(workspace, user)

    def drop_recent(key: Sequence[str]) -> None:
        kind, workspace, user = key[0], key[1], key[2]
        recent.forget((kind, workspace, user))
        forget = getattr(remotes.get(kind), "forget_timer", None)
        if forget is not None:
            forget(workspace, user)

    def reset_recent() -> None:
        recent.clear()
        forget_timers()

    recent.announce = lambda key: bus.publish("recent", *key)
    bus.subscribe("recent", drop_recent, reset_recent)
    if entries is not None:
        bus.subscribe("entries", lambda key: entries.invalidate(key[0], announce=False), entries.clear)

        def drop_workspace(key: Sequence[str]) -> None:
            entries.forget_workspace(key[0], announce=False)
            if registry is not None:
                registry.forget_workspace("local", key[0])

        def reset_workspaces() -> None:
            entries.clear()
            if registry is not None:
                registry.forget_kind("local")

        bus.subscribe("workspace", drop_workspace, reset_workspaces)


def calendar_feed(settings: Settings, engine: AsyncEngine) -> CalendarFeed:
    """People's Outlook meetings in `feed`, read from Microsoft Graph once they opt in (`feed calendar`)."""
    from adapters.graph import GraphCalendar
    from bot.service.calendarfeed import CalendarFeed
    from bot.store.calendar import CalendarWindows

    return CalendarFeed(GraphCalendar(settings.graph_url), CalendarWindows(engine))


def signin_from_settings(
    settings: Settings, engine: AsyncEngine, roots: list[bytes], connections: ConnectionStore
) -> SignIn | None:
    """Sign-in as configured: Entra (timeghost, the calendar) with Teams SSO outside local mode, awork OAuth.

    None when neither is configured. MSAL, the SSO validator's key fetches and awork's token calls each
    run on their own HTTP client; all tokens are kept per person in `TokenStore`.
    """
    from bot.signin.awork import AworkOAuth
    from bot.signin.entra import Entra, client_credential
    from bot.signin.service import SignIn
    from bot.signin.sso import SsoValidator
    from bot.store.signins import PendingSignIns
    from bot.store.tokens import TokenStore

    entra_ready = settings.signin_configured
    awork_ready = bool(settings.awork_client_id)
    if not (entra_ready or awork_ready):
        return None
    tokens = TokenStore(engine, roots)
    entra = sso = None
    if entra_ready:
        credential = client_credential(settings.entra_client_secret, settings.aad_client_certificate)
        entra = Entra(settings.entra_client_id, credential, settings.aad_authority, tokens)
        if not settings.local_mode:  # Teams SSO needs the bot's registration (the Playground has none)
            sso = SsoValidator(
                client_id=settings.entra_client_id, resource=settings.sso_resource, instance=entra.instance
            )
    awork = None
    if awork_ready:
        secret = settings.awork_client_secret.get_secret_value()
        awork = AworkOAuth(settings.awork_url, settings.awork_client_id, secret, tokens)
    return SignIn(
        public_url=settings.effective_public_url,
        pending=PendingSignIns(engine, roots),
        connections=connections,
        entra=entra,
        timeghost_scope=settings.timeghost_scope,
        awork=awork,
        sso=sso,
        sso_resource=settings.sso_resource,
    )


def remote_factories(
    settings: Settings,
    stored: ConnectionSource,
    signin: SignIn | None = None,
    *,
    references: ReferenceCache | None = None,
) -> dict[str, BackendFactory]:
    """The remote backends people may `connect` to, each at its configured base URL.

    Everyone acts with their own connection: an API key, or the token of their sign-in (`SignedInConnections`
    turns a sign-in into a fresh access token). awork alone may fall back to a documented service account
    (`TIMEBOT_AWORK_SERVICE_TOKEN`); with awork sign-in configured, signing in is the recommended way.
    The adapters that look master data up keep it in `references`, the bot's one reference cache.
    """
    from adapters.awork.factory import AworkBackendFactory, service_account_connections
    from adapters.focus import FocusBackendFactory
    from adapters.timeghost.backend import TimeghostBackendFactory
    from adapters.toggl.factory import TogglBackendFactory
    from bot.signin.connections import SignedInConnections

    connections = SignedInConnections(stored, signin)
    return {
        "toggl": TogglBackendFactory(
            settings.toggl_url,
            settings.toggl_reports_url,
            settings.toggl_webhooks_url,
            connections=connections,
        ),
        "focus": FocusBackendFactory(settings.focus_url, connections),
        "awork": AworkBackendFactory(
            settings.awork_url,
            SignedInConnections(stored, signin, fallback=service_account_connections()),
            cache=references,
        ),
        "timeghost": TimeghostBackendFactory(settings.timeghost_url, connections, cache=references),
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
