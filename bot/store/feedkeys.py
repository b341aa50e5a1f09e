"""Per-workspace API keys for `POST /api/feed`: made by a workspace admin, shown once, kept only as a hash.

A key is 256 random bits, so a plain SHA-256 is enough to store it (no slow password hash needed: nobody can
guess their way through 2^256 inputs), and looking it up by its hash takes the same time whatever was sent.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import Identity
from adapters.sql import read_connection, write
from bot.store import tables as t

PREFIX = "tbf_"
TOUCH_EVERY = timedelta(minutes=1)  # `last_used_at` is written at most this often per key


class KeyExists(Exception):
    """A key with that name already exists in the workspace."""


@dataclass(frozen=True)
class FeedKey:
    id: int
    tenant_id: str
    backend: str
    workspace_id: str
    name: str
    hint: str
    created_by: str
    created_by_name: str
    created_at: datetime
    last_used_at: datetime | None

    @property
    def owner(self) -> Identity:
        """The admin the key acts for (their connection, their rights)."""
        return Identity(self.tenant_id, self.created_by, self.created_by_name)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _key(row: Any) -> FeedKey:
    return FeedKey(**{name: getattr(row, name) for name in FeedKey.__dataclass_fields__})


class FeedKeys:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def create(
        self, tenant_id: str, backend: str, workspace_id: str, name: str, creator: Identity, now: datetime
    ) -> tuple[FeedKey, str]:
        """A new key; returns it with its secret (the only time the secret exists outside the caller)."""
        secret = PREFIX + secrets.token_urlsafe(32)
        k = t.feed_keys
        try:
            async with write(self._engine) as conn:
                taken = sa.exists().where(
                    k.c.tenant_id == tenant_id,
                    k.c.backend == backend,
                    k.c.workspace_id == workspace_id,
                    sa.func.lower(k.c.name) == name.lower(),
                )
                if (await conn.execute(sa.select(taken))).scalar_one():
                    raise KeyExists(name)
                result = await conn.execute(
                    k.insert()
                    .values(
                        tenant_id=tenant_id,
                        backend=backend,
                        workspace_id=workspace_id,
                        name=name,
                        key_hash=digest(secret),
                        hint="…" + secret[-4:],
                        created_by=creator.aad_object_id,
                        created_by_name=creator.name[:200],
                        created_at=now,
                    )
                    .returning(*k.c)
                )
                return _key(result.one()), secret
        except IntegrityError as exc:
            raise KeyExists(name) from exc

    async def list(self, tenant_id: str, backend: str, workspace_id: str) -> list[FeedKey]:
        k = t.feed_keys
        async with read_connection(self._engine) as conn:
            rows = await conn.execute(
                sa.select(k)
                .where(k.c.tenant_id == tenant_id, k.c.backend == backend, k.c.workspace_id == workspace_id)
                .order_by(k.c.name)
            )
            return [_key(row) for row in rows]

    async def revoke(self, tenant_id: str, backend: str, workspace_id: str, name: str) -> bool:
        """Delete the key (a revoked key is simply gone); False if there was none by that name."""
        k = t.feed_keys
        async with write(self._engine) as conn:
            result = await conn.execute(
                k.delete().where(
                    k.c.tenant_id == tenant_id,
                    k.c.backend == backend,
                    k.c.workspace_id == workspace_id,
                    sa.func.lower(k.c.name) == name.lower(),
                )
            )
            return bool(result.rowcount)

    async def authenticate(self, secret: str, now: datetime) -> FeedKey | None:
        """The key `secret` belongs to, or None (unknown or revoked)."""
        if not secret.startswith(PREFIX) or len(secret) > 100:
            return None
        k = t.feed_keys
        async with read_connection(self._engine) as conn:
            row = (await conn.execute(sa.select(k).where(k.c.key_hash == digest(secret)))).one_or_none()
        if row is None:
            return None
        key = _key(row)
        if key.last_used_at is None or now - key.last_used_at >= TOUCH_EVERY:
            async with write(self._engine) as conn:
                await conn.execute(k.update().where(k.c.id == key.id).values(last_used_at=now))
        return key
