"""The durable notification queue: what the bot will post, kept in the database until Teams took it.

Rows are claimed per conversation head (the oldest unsent row of a conversation, and only when no other
row of it is in flight), so one conversation's messages leave in order while different conversations go
in parallel. A claim is a lease (`next_attempt_at` in the future, `leased_by` set); a process that dies
loses its leases after `lease` and another process (or its restart) takes the rows over. On PostgreSQL
the claim is `SELECT … FOR UPDATE SKIP LOCKED`, so several bot processes share the queue as one.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sql import after_unit, dialect_insert, read_connection, write
from bot.store import tables as t

PENDING, SENT, FAILED, DROPPED = "pending", "sent", "failed", "dropped"
KEEP_ITEMS = 20  # a coalesced message shows the newest items; `item_count` still counts them all
KEY_RETENTION = timedelta(days=7)
DONE_RETENTION = timedelta(days=7)


@dataclass(frozen=True)
class Coalesce:
    """Merge items with the same `key` for one conversation into one message while it is open (`window`
    from its first item); a message already posted is then updated in place."""

    key: str
    window: timedelta = timedelta(seconds=30)


@dataclass(frozen=True)
class Claimed:
    """One conversation's next message, leased to a worker."""

    id: int
    conversation_id: str
    reference: dict[str, Any]
    kind: str
    items: list[dict[str, Any]]
    item_count: int
    locale: str
    version: int
    activity_id: str | None
    attempts: int
    expires_at: datetime
    created_at: datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def conversation_of(reference: dict[str, Any]) -> str:
    conversation = reference.get("conversation") or {}
    conversation_id = conversation.get("id") if isinstance(conversation, dict) else None
    if not isinstance(conversation_id, str) or not conversation_id or not reference.get("serviceUrl"):
        raise ValueError("a conversation reference needs serviceUrl and conversation.id")
    return conversation_id


def _tenant_of(reference: dict[str, Any]) -> str:
    conversation = reference.get("conversation") or {}
    tenant = conversation.get("tenantId") if isinstance(conversation, dict) else None
    return tenant if isinstance(tenant, str) and tenant else "local"


def _key(value: str) -> str:
    """Idempotency keys fit the column whatever the caller passes (long ids are hashed, not cut)."""
    return value if len(value) <= 200 else "sha256:" + hashlib.sha256(value.encode()).hexdigest()


class NotificationQueue:
    """Enqueue (from any process, inside the caller's transaction if it has one) and claim for delivery."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        lease: timedelta = timedelta(seconds=30),
        max_age: timedelta = timedelta(hours=24),
        update_gap: timedelta = timedelta(seconds=2),
    ) -> None:
        self._engine = engine
        self.lease = lease
        self.max_age = max_age
        self.update_gap = update_gap  # an updated-in-place message is re-sent at most this often
        self.wake = asyncio.Event()  # set on every enqueue in this process: the worker need not poll

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    # ---- producing -----------------------------------------------------------------------------------------

    async def enqueue(
        self,
        reference: dict[str, Any],
        kind: str,
        item: dict[str, Any],
        *,
        locale: str,
        now: datetime,
        key: str | None = None,
        coalesce: Coalesce | None = None,
        conn: AsyncConnection | None = None,
    ) -> int | None:
        """Queue `item` for the conversation of `reference`; returns the row id, or None for a duplicate.

        `key` makes the item idempotent: the same key is queued once, however often it is enqueued (a
        webhook retry, a redelivered Teams activity). Pass `conn` to enqueue in your own transaction, so the
        notification exists exactly when your write does.
        """
        conversation_id = conversation_of(reference)
        if conn is None:
            async with write(self._engine) as own:
                result = await self._enqueue(
                    own, reference, conversation_id, kind, item, locale, now, key, coalesce
                )
        else:
            result = await self._enqueue(
                conn, reference, conversation_id, kind, item, locale, now, key, coalesce
            )
        if result is not None:
            after_unit(self.wake.set)  # once committed: the worker reads on its own connection
        return result

    async def _enqueue(
        self,
        conn: AsyncConnection,
        reference: dict[str, Any],
        conversation_id: str,
        kind: str,
        item: dict[str, Any],
        locale: str,
        now: datetime,
        key: str | None,
        coalesce: Coalesce | None,
    ) -> int | None:
        if key is not None:
            stmt = (
                dialect_insert(conn, t.notification_keys)
                .values(key=_key(key), created_at=now)
                .on_conflict_do_nothing(index_elements=["key"])
            )
            if (await conn.execute(stmt)).rowcount != 1:
                return None
        n = t.notifications
        if coalesce is not None:
            if conn.dialect.name == "postgresql":  # one open message per key, even with concurrent producers
                lock = sa.func.hashtext(f"{conversation_id}\x1f{coalesce.key}")
                await conn.execute(sa.select(sa.func.pg_advisory_xact_lock(lock)))
            open_row = (
                await conn.execute(
                    sa.select(n.c.id, n.c.payload, n.c.status, n.c.sent_at)
                    .where(
                        n.c.conversation_id == conversation_id,
                        n.c.coalesce_key == coalesce.key,
                        n.c.open_until > now,
                        n.c.status.in_((PENDING, SENT)),
                    )
                    .order_by(n.c.id.desc())
                    .limit(1)
                )
            ).one_or_none()
            if open_row is not None:
                items = [*list(open_row.payload), item][-KEEP_ITEMS:]
                due = now if open_row.sent_at is None else max(now, open_row.sent_at + self.update_gap)
                await conn.execute(
                    n.update()
                    .where(n.c.id == open_row.id)
                    .values(
                        payload=items,
                        item_count=n.c.item_count + 1,
                        version=n.c.version + 1,
                        locale=locale,
                        # A sent message becomes due again; a pending one keeps its lease or backoff.
                        next_attempt_at=sa.case((n.c.status == SENT, due), else_=n.c.next_attempt_at),
                        status=PENDING,
                    )
                )
                return int(open_row.id)
        result = await conn.execute(
            n.insert()
            .values(
                conversation_id=conversation_id,
                tenant_id=_tenant_of(reference),
                reference=reference,
                kind=kind,
                payload=[item],
                item_count=1,
                locale=locale,
                coalesce_key=coalesce.key if coalesce else None,
                open_until=now + coalesce.window if coalesce else None,
                status=PENDING,
                version=1,
                sent_version=0,
                attempts=0,
                next_attempt_at=now,
                expires_at=now + self.max_age,
                created_at=now,
            )
            .returning(n.c.id)
        )
        return int(result.scalar_one())

    # ---- consuming -----------------------------------------------------------------------------------------

    async def claim(self, now: datetime, owner: str, limit: int) -> list[Claimed]:
        """Lease up to `limit` due conversation heads to `owner` (oldest first)."""
        if limit <= 0:
            return []
        n = t.notifications
        older = n.alias("older")
        earlier_unsent = sa.exists().where(
            older.c.conversation_id == n.c.conversation_id, older.c.status == PENDING, older.c.id < n.c.id
        )
        due = (
            sa.select(n.c.id)
            .where(n.c.status == PENDING, n.c.next_attempt_at <= now, ~earlier_unsent)
            .order_by(n.c.id)
            .limit(limit)
        )
        async with write(self._engine) as conn:
            if conn.dialect.name == "postgresql":
                due = due.with_for_update(of=n, skip_locked=True)
            ids = list((await conn.execute(due)).scalars())
            if not ids:
                return []
            await conn.execute(
                n.update().where(n.c.id.in_(ids)).values(next_attempt_at=now + self.lease, leased_by=owner)
            )
            rows = (await conn.execute(sa.select(n).where(n.c.id.in_(ids)).order_by(n.c.id))).all()
        return [
            Claimed(
                id=row.id,
                conversation_id=row.conversation_id,
                reference=dict(row.reference),
                kind=row.kind,
                items=list(row.payload),
                item_count=row.item_count,
                locale=row.locale,
                version=row.version,
                activity_id=row.activity_id,
                attempts=row.attempts,
                expires_at=row.expires_at,
                created_at=row.created_at,
            )
            for row in rows
        ]

    async def renew(self, ids: Sequence[int], owner: str, now: datetime) -> None:
        """Extend the leases of rows still being sent (a send may wait long for the rate limit)."""
        if not ids:
            return
        n = t.notifications
        async with write(self._engine) as conn:
            await conn.execute(
                n.update()
                .where(n.c.id.in_(list(ids)), n.c.leased_by == owner, n.c.status == PENDING)
                .values(next_attempt_at=now + self.lease)
            )

    async def sent(self, item: Claimed, owner: str, activity_id: str | None, now: datetime) -> None:
        """Teams has `item.version`. If items arrived meanwhile the row stays pending for an update."""
        n = t.notifications
        async with write(self._engine) as conn:
            await conn.execute(
                n.update()
                .where(n.c.id == item.id, n.c.leased_by == owner)
                .values(
                    status=sa.case((n.c.version == item.version, SENT), else_=PENDING),
                    next_attempt_at=now + self.update_gap,
                    sent_version=item.version,
                    activity_id=activity_id or item.activity_id,
                    attempts=0,
                    leased_by=None,
                    last_error=None,
                    sent_at=now,
                )
            )

    async def retry_later(self, item: Claimed, owner: str, at: datetime, error: str) -> None:
        n = t.notifications
        async with write(self._engine) as conn:
            await conn.execute(
                n.update()
                .where(n.c.id == item.id, n.c.leased_by == owner)
                .values(attempts=n.c.attempts + 1, next_attempt_at=at, leased_by=None, last_error=error[:500])
            )

    async def forget_activity(self, item: Claimed, owner: str) -> None:
        """The posted message is gone (deleted in Teams): post it anew on the next attempt."""
        n = t.notifications
        async with write(self._engine) as conn:
            await conn.execute(
                n.update().where(n.c.id == item.id, n.c.leased_by == owner).values(activity_id=None)
            )

    async def give_up(self, item: Claimed, owner: str, reason: str, now: datetime) -> None:
        """Stop trying, with the reason kept on the row (status `failed`)."""
        await self._finish(item.id, owner, FAILED, reason, now)

    async def _finish(self, item_id: int, owner: str | None, status: str, reason: str, now: datetime) -> None:
        n = t.notifications
        where = [n.c.id == item_id] + ([n.c.leased_by == owner] if owner else [])
        async with write(self._engine) as conn:
            await conn.execute(
                n.update()
                .where(*where)
                .values(status=status, leased_by=None, last_error=reason[:500], open_until=now)
            )

    async def drop_conversation(
        self, conversation_id: str, reason: str, now: datetime, *, conn: AsyncConnection | None = None
    ) -> int:
        """The bot can no longer post there: unsent rows are marked `dropped` with the reason; returns how
        many. (Subscriptions are removed by `bot.notify.forget_conversation`, which calls this.)"""
        n = t.notifications
        stmt = (
            n.update()
            .where(n.c.conversation_id == conversation_id, n.c.status == PENDING)
            .values(status=DROPPED, leased_by=None, last_error=reason[:500], open_until=now)
        )
        if conn is not None:
            return int((await conn.execute(stmt)).rowcount or 0)
        async with write(self._engine) as own:
            return int((await own.execute(stmt)).rowcount or 0)

    async def prune(self, now: datetime) -> int:
        """Forget finished rows and idempotency keys past their retention."""
        n, k = t.notifications, t.notification_keys
        async with write(self._engine) as conn:
            done = await conn.execute(
                n.delete().where(
                    n.c.status.in_((SENT, FAILED, DROPPED)),
                    n.c.created_at < now - DONE_RETENTION,
                    sa.or_(n.c.open_until.is_(None), n.c.open_until < now),
                )
            )
            await conn.execute(k.delete().where(k.c.created_at < now - KEY_RETENTION))
        return int(done.rowcount or 0)

    # ---- looking -------------------------------------------------------------------------------------------

    async def counts(self) -> dict[str, int]:
        """Rows per status (tests, the bench and operators' health checks)."""
        n = t.notifications
        async with read_connection(self._engine) as conn:
            rows = (await conn.execute(sa.select(n.c.status, sa.func.count()).group_by(n.c.status))).all()
        return {str(status): int(count) for status, count in rows}

    async def rows(self, conversation_id: str | None = None) -> list[dict[str, Any]]:
        n = t.notifications
        query = sa.select(n).order_by(n.c.id)
        if conversation_id is not None:
            query = query.where(n.c.conversation_id == conversation_id)
        async with read_connection(self._engine) as conn:
            return [dict(row._mapping) for row in (await conn.execute(query)).all()]
