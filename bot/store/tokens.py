"""Each person's sign-in tokens at rest: an encrypted blob per person and provider, compare-and-set.

- `entra`: the person's MSAL `SerializableTokenCache` (serialized JSON: accounts, access, refresh and ID
  tokens for timeghost and Graph); `awork`: their awork OAuth token set.
- AES-GCM with a key derived for this purpose only, the associated data binding the blob to tenant, user and
  provider (a row copied to someone else does not decrypt); a blob sealed with an older key
  (`TIMEBOT_SECRET_KEY="new,old"`) is re-encrypted the next time it is used.
- Every write names the version it read (`version = version + 1 WHERE version = read`): two bot processes
  refreshing one person's tokens at once never interleave their caches. `update` re-runs its step on the
  newer state when it loses that race (right for Entra, whose refresh tokens stay valid when used);
  `exclusive` takes a cross-process lock for providers whose refresh tokens are single-use (awork), so two
  refreshes cannot both spend the same one.

Nothing here logs a token; callers get plaintext only in memory.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import weakref
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import Identity
from adapters.sql import read_connection, write
from bot.secrets import Sealer
from bot.store import tables as t

log = logging.getLogger(__name__)
R = TypeVar("R")
Step = Callable[[str | None], tuple[R, str | None]]


class ConcurrentUpdate(Exception):
    """Lost the compare-and-set race too many times in a row (someone else keeps writing)."""


@dataclass(frozen=True)
class Stored:
    text: str | None  # None: nothing stored (or sealed with a key this bot no longer has)
    version: int  # 0: no row
    stale_key: bool = False  # sealed with an older key: write it back re-encrypted


class TokenStore:
    def __init__(self, engine: AsyncEngine, roots: list[bytes]) -> None:
        self._engine = engine
        self._sealer = Sealer(roots, "token-caches")
        self._locks: weakref.WeakValueDictionary[tuple[str, str, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    @staticmethod
    def _aad(identity: Identity, provider: str) -> bytes:
        return f"{identity.tenant_id}\x1f{identity.aad_object_id}\x1f{provider}".encode()

    @staticmethod
    def _where(identity: Identity, provider: str) -> sa.ColumnElement[bool]:
        c = t.token_caches.c
        return sa.and_(
            c.tenant_id == identity.tenant_id,
            c.aad_object_id == identity.aad_object_id,
            c.provider == provider,
        )

    def _lock(self, identity: Identity, provider: str) -> asyncio.Lock:
        key = (identity.tenant_id, identity.aad_object_id, provider)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    async def load(self, identity: Identity, provider: str) -> Stored:
        c = t.token_caches.c
        async with read_connection(self._engine) as conn:
            row = (
                await conn.execute(
                    sa.select(c.blob, c.key_id, c.version).where(self._where(identity, provider))
                )
            ).one_or_none()
        if row is None:
            return Stored(None, 0)
        opened = self._sealer.open(bytes(row.blob), row.key_id, self._aad(identity, provider))
        if opened is None:
            log.warning(
                "a stored token cache could not be decrypted (key removed?); signing in again fixes it"
            )
            return Stored(None, row.version)
        plaintext, stale = opened
        return Stored(plaintext.decode(), row.version, stale)

    async def store(self, identity: Identity, provider: str, text: str, expected_version: int) -> bool:
        """Write `text` if the row is still at `expected_version` (0: if there is no row); False otherwise."""
        blob, kid = self._sealer.seal(text.encode(), self._aad(identity, provider))
        now = datetime.now(UTC)
        table = t.token_caches
        async with write(self._engine) as conn:
            if expected_version == 0:
                insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)
                result = await conn.execute(
                    insert.values(
                        tenant_id=identity.tenant_id,
                        aad_object_id=identity.aad_object_id,
                        provider=provider,
                        blob=blob,
                        key_id=kid,
                        version=1,
                        updated_at=now,
                    ).on_conflict_do_nothing(index_elements=["tenant_id", "aad_object_id", "provider"])
                )
            else:
                result = await conn.execute(
                    table.update()
                    .where(self._where(identity, provider), table.c.version == expected_version)
                    .values(blob=blob, key_id=kid, version=expected_version + 1, updated_at=now)
                )
        return result.rowcount == 1

    async def delete(self, identity: Identity, provider: str) -> bool:
        async with write(self._engine) as conn:
            result = await conn.execute(t.token_caches.delete().where(self._where(identity, provider)))
        return bool(result.rowcount)

    async def update(self, identity: Identity, provider: str, step: Step[R], *, attempts: int = 8) -> R:
        """Run `step(stored text)` in a worker thread and store the text it returns (None: unchanged).

        If another process wrote in between, the write is refused and `step` runs again on the newer state.
        An exception from `step` stores nothing.
        """
        async with self._lock(identity, provider):
            for attempt in range(attempts):
                if attempt:  # lost a race: let the other writer finish before reading again
                    await asyncio.sleep(random.uniform(0.0, 0.02 * attempt))
                stored = await self.load(identity, provider)
                result, changed = await asyncio.to_thread(step, stored.text)
                if changed is None and not (stored.stale_key and stored.text is not None):
                    return result
                text = changed if changed is not None else stored.text
                assert text is not None
                if await self.store(identity, provider, text, stored.version):
                    return result
                log.info("%s token cache changed concurrently; running again on the newer one", provider)
        raise ConcurrentUpdate(f"{provider} token cache kept changing")

    @asynccontextmanager
    async def exclusive(self, identity: Identity, provider: str) -> AsyncIterator[None]:
        """Only one holder per person and provider, across processes (PostgreSQL advisory lock); inside,
        `load` and `store` as usual. With SQLite there is one process, so the in-process lock is enough."""
        async with self._lock(identity, provider):
            if self._engine.dialect.name != "postgresql":
                yield
                return
            key = hashlib.sha256(self._aad(identity, provider)).digest()
            lock_id = int.from_bytes(key[:8], "big", signed=True)
            async with self._engine.connect() as conn:
                await conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": lock_id})
                try:
                    yield
                finally:
                    await conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": lock_id})
                    await conn.commit()
