"""Who is acting, where and when: everything an operation needs besides the operation itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from adapters.backend import Backend, Identity
from bot.app import Outbound
from bot.notify.changes import ChangeStore
from bot.notify.queue import NotificationQueue
from bot.notify.subscriptions import SubscriptionStore
from bot.operations import ParseContext
from bot.reports.files import FileStore, shared_temporary_store
from bot.service.recent import Key as RecentKey
from bot.service.recent import RecentEntries
from bot.service.refdata import RefData, RefDataCache
from bot.signin.service import SignIn
from bot.store.broadcast import Bus, LocalBus
from bot.store.connections import ConnectionStore
from bot.store.feed import FeedState
from bot.store.outbox import Outbox
from bot.store.people import People
from bot.store.reminders import Reminders
from bot.store.state import Store, UserPrefs

if TYPE_CHECKING:
    from bot.service.feedsources import FeedSource

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    """The long-lived collaborators every operation may use (one set per bot process)."""

    store: Store
    refdata: RefDataCache
    clock: Clock = utc_now
    files: FileStore = field(default_factory=shared_temporary_store)  # where reports wait for delivery
    connections: ConnectionStore | None = None  # people's encrypted tokens for remote backends
    outbox: Outbox | None = None  # writes waiting for a remote backend that was down
    recent: RecentEntries = field(default_factory=RecentEntries)  # people's last reads, for `log`'s advice
    notifications: NotificationQueue | None = None  # proactive messages waiting to be sent (bot.notify)
    native_reports: frozenset[str] = frozenset()  # backend kinds whose own report file `report` gives
    signin: SignIn | None = None  # sign-in with Microsoft / awork, when configured
    outbound: Outbound = field(default_factory=Outbound)  # the transport's proactive sender
    feed: FeedState | None = None  # posted feed events, their API keys, what people booked them to
    feed_sources: tuple[FeedSource, ...] = ()  # more feeds besides posted events (`bot.service.feedsources`)
    people: People | None = None  # who has a personal chat with the bot (reminders, feed pushes)
    reminders: Reminders | None = None  # scheduled reminders, one per person, kind and day
    subscriptions: SubscriptionStore | None = None  # who is notified about which changes (bot.notify)
    changes: ChangeStore | None = None  # changes received from trackers, kept a while for Undo
    public_url: str = ""  # where trackers reach the bot (webhook callback URLs)
    poll_seconds: float = 300.0  # how often trackers without webhooks are polled for changes
    bus: Bus = field(default_factory=LocalBus)  # tells other bot processes what to drop from their caches


@dataclass(frozen=True)
class Conversation:
    """Where the operation was asked: the conversation id, its scope, and its reference to post into."""

    id: str
    scope: str  # personal | groupChat | channel
    tenant_id: str
    reference: dict[str, Any]


def _same_zone(a: ZoneInfo, b: ZoneInfo, at: datetime) -> bool:
    return str(a) == str(b) or (a.utcoffset(at.replace(tzinfo=None)) == b.utcoffset(at.replace(tzinfo=None)))


@dataclass
class UserContext:
    identity: Identity
    backend: Backend
    prefs: UserPrefs
    tz: ZoneInfo
    locale: str
    now: datetime  # aware, in `tz`
    services: Services
    scope: Literal["personal", "groupChat", "channel"] = "personal"  # where the person asked
    conversation: Conversation | None = None
    client_tz: ZoneInfo | None = None  # the zone Teams reported for the person's device, if any

    @property
    def parse_context(self) -> ParseContext:
        return ParseContext(now=self.now, tz=self.tz, locale=self.locale)

    @property
    def zone_note(self) -> str | None:
        """The zone name to show next to times when it is not the one the person's device is in (they chose
        another with `timezone`): then "14:00" alone would be read in the wrong zone."""
        if self.client_tz is None or _same_zone(self.client_tz, self.tz, self.now):
            return None
        return str(self.tz)

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def recent_key(self) -> RecentKey:
        return (self.backend.kind, self.backend.workspace.id, self.backend.user.id)

    async def refdata(self) -> RefData:
        return await self.services.refdata.get(self.backend)

    def day_bounds(self, day: date, days: int = 1) -> tuple[datetime, datetime]:
        """[local midnight of `day`, local midnight `days` later) as aware datetimes — DST-correct."""
        start = datetime.combine(day, datetime.min.time(), tzinfo=self.tz)
        end = datetime.combine(day + timedelta(days=days), datetime.min.time(), tzinfo=self.tz)
        return start, end
