"""Cache invalidation across bot processes: PostgreSQL LISTEN/NOTIFY over one asyncpg connection per process.

Each process keeps caches in memory (preferences, reference data, people's recent entries, running timers).
When one process changes what they hold it drops its own copy at once and `publish`es the key; the bus sends
all keys of a moment as one `NOTIFY` on a channel named after the database and schema, and every other
process drops the same keys when the notification arrives. A turn awaits `flush()` before its reply leaves,
and PostgreSQL delivers a notification to the listeners when the sending statement commits, so the other
processes have it before the person can ask them anything.

When the listening connection is lost, notifications may be missed: every cache is emptied (`reset`), the
caches that have no expiry of their own stop answering (`live` is False) until the bus has reconnected, and
are emptied once more then. On SQLite (one process) there is no bus: `LocalBus` only applies publishes
locally and is always live.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql import after_unit

log = logging.getLogger(__name__)

Drop = Callable[[Sequence[str]], None]
Reset = Callable[[], None]
_MAX_PAYLOAD = 7_000  # PostgreSQL's limit is 8,000 bytes per notification
_RECONNECT = (0.5, 1.0, 2.0, 5.0, 10.0)


class Bus(Protocol):
    """What caches need: announce a change, learn of others' changes, and whether they can be trusted."""

    @property
    def live(self) -> bool: ...

    def subscribe(self, topic: str, drop: Drop, reset: Reset) -> None: ...

    def publish(self, topic: str, *key: str) -> None: ...

    async def flush(self) -> None: ...


class LocalBus:
    """One process (SQLite): nothing to tell anyone; subscribers still hear about resets never."""

    live = True

    def subscribe(self, topic: str, drop: Drop, reset: Reset) -> None:
        return None

    def publish(self, topic: str, *key: str) -> None:
        return None

    async def flush(self) -> None:
        return None


def channel_for(database: str, search_path: str) -> str:
    """One channel per database and schema: deployments (and test schemas) sharing a server stay apart."""
    digest = hashlib.sha256(f"{database}\x1f{search_path}".encode()).hexdigest()[:20]
    return f"timebot_cache_{digest}"


class PostgresBus:
    """`Bus` over LISTEN/NOTIFY. `start()` on start-up, `close()` on shutdown."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self.origin = uuid.uuid4().hex[:12]  # our own notifications come back to us: ignored by this
        self._subscribers: dict[str, list[tuple[Drop, Reset]]] = {}
        self._pending: list[list[str]] = []
        self._conn: AsyncConnection | None = None
        self._raw: Any = None  # the asyncpg connection
        self._send_lock = asyncio.Lock()
        self._flush_task: asyncio.Task[None] | None = None
        self._reconnect_task: asyncio.Task[None] | None = None
        self._closing = False
        self.channel = ""
        self.live = False
        self.received = 0  # notifications from other processes (tests, operators)

    # ---- the API -------------------------------------------------------------------------------------------

    def subscribe(self, topic: str, drop: Drop, reset: Reset) -> None:
        self._subscribers.setdefault(topic, []).append((drop, reset))

    def publish(self, topic: str, *key: str) -> None:
        """Tell the other processes (the caller has dropped its own copy); sent at the next `flush` once the
        current unit of work has ended: before its commit the others could only re-read the old rows."""
        item = [topic, *key]
        after_unit(lambda: self._queue(item))

    def _queue(self, item: list[str]) -> None:
        self._pending.append(item)
        if self._flush_task is None or self._flush_task.done():
            with contextlib.suppress(RuntimeError):  # no running loop: the next flush sends it
                self._flush_task = asyncio.get_running_loop().create_task(self.flush())

    async def flush(self) -> None:
        """Send what was published so far; returns when PostgreSQL has it (before the turn's reply)."""
        if not self._pending:
            return
        async with self._send_lock:
            items, self._pending = self._pending, []
            if not items:
                return
            if self._raw is None or self._raw.is_closed():
                return  # nobody can be told; the others reset when their listener reconnects anyway
            try:
                for payload in _payloads(self.origin, items):
                    await self._raw.execute("SELECT pg_notify($1, $2)", self.channel, payload)
            except Exception:
                log.warning("could not send cache invalidations", exc_info=True)

    # ---- lifecycle -----------------------------------------------------------------------------------------

    async def start(self) -> None:
        await self._connect()

    async def close(self) -> None:
        self._closing = True
        if self._reconnect_task is not None:
            self._reconnect_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnect_task
        with contextlib.suppress(Exception):
            await self.flush()
        await self._disconnect()

    async def _connect(self) -> None:
        conn = await self._engine.connect()
        try:
            raw: Any = (await conn.get_raw_connection()).driver_connection
            database, search_path = await raw.fetchrow(
                "SELECT current_database(), current_setting('search_path')"
            )
            self.channel = channel_for(database, search_path)
            await raw.add_listener(self.channel, self._received)
            raw.add_termination_listener(self._lost)
        except BaseException:
            await conn.close()
            raise
        self._conn, self._raw = conn, raw
        self._reset_all()  # anything changed while we were not listening is forgotten
        self.live = True

    async def _disconnect(self) -> None:
        conn, self._conn, self._raw = self._conn, None, None
        self.live = False
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.invalidate()

    def _lost(self, _raw: Any) -> None:
        if self._closing:
            return
        log.warning("cache invalidation listener lost its connection; caches are emptied until it is back")
        self.live = False
        self._reset_all()
        if self._reconnect_task is None or self._reconnect_task.done():
            self._reconnect_task = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        await self._disconnect()
        for attempt in range(1_000_000):
            await asyncio.sleep(_RECONNECT[min(attempt, len(_RECONNECT) - 1)])
            try:
                await self._connect()
                log.info("cache invalidation listener reconnected")
                return
            except Exception as exc:
                log.debug("cache invalidation listener could not reconnect: %s", exc)

    # ---- receiving -----------------------------------------------------------------------------------------

    def _received(self, _raw: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            message = json.loads(payload)
            if message.get("o") == self.origin:
                return
            items = message["i"]
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring a malformed cache invalidation")
            return
        self.received += 1
        for item in items:
            if not isinstance(item, list) or not item:
                continue
            for drop, _reset in self._subscribers.get(str(item[0]), ()):
                try:
                    drop([str(part) for part in item[1:]])
                except Exception:
                    log.exception("cache invalidation for %s failed", item[0])

    def _reset_all(self) -> None:
        for subscribers in self._subscribers.values():
            for _drop, reset in subscribers:
                try:
                    reset()
                except Exception:
                    log.exception("emptying a cache failed")


def _payloads(origin: str, items: list[list[str]]) -> list[str]:
    """As few notifications as fit PostgreSQL's payload limit."""
    out: list[str] = []
    batch: list[list[str]] = []
    size = 0
    for item in items:
        length = len(json.dumps(item)) + 1
        if batch and size + length > _MAX_PAYLOAD:
            out.append(json.dumps({"o": origin, "i": batch}))
            batch, size = [], 0
        batch.append(item)
        size += length
    if batch:
        out.append(json.dumps({"o": origin, "i": batch}))
    return out
