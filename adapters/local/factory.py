"""`LocalBackendFactory`: binds a Teams identity to its workspace (one per tenant) and user, locally.

The common path (workspace and user exist, name/email unchanged) is one read. Creating them is race-safe:
unique constraints decide which of two simultaneous first messages wins, the loser retries and finds the row;
the "first user is admin" check runs with the workspace row locked (PostgreSQL `FOR UPDATE`; on SQLite the
write transaction itself is exclusive), so two first users can never both become admin.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.backend import Identity
from adapters.errors import Unavailable, ValidationFailed
from adapters.local import tables as t
from adapters.local.backend import LocalBackend
from adapters.local.base import Clock, new_id, utcnow
from adapters.local.cache import EntryReadCache
from adapters.local.rows import user_from_row, workspace_from_row
from adapters.sql import after_commit, after_unit, read_connection, write

DEFAULT_WORKSPACE_NAME = "Workspace"
_BIND_ATTEMPTS = 5


class LocalBackendFactory:
    kind = "local"

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        default_timezone: str = "UTC",
        dispose_engine: bool = False,
        clock: Clock = utcnow,
        read_cache: EntryReadCache | None = None,
    ) -> None:
        """`engine` must be migrated (`bot.store.migrate.upgrade`). `close()` disposes it only if asked to.
        `read_cache`: for PostgreSQL, one that other processes' writes invalidate (`bot.wiring`)."""
        self._engine = engine
        # Only this process writes a SQLite database, so memoised reads stay true (see adapters.local.cache).
        if read_cache is None and engine.dialect.name == "sqlite":
            read_cache = EntryReadCache()
        self._cache = read_cache
        self._default_timezone = default_timezone
        self._dispose_engine = dispose_engine
        self._clock = clock

    async def bind(self, identity: Identity) -> LocalBackend:
        if not identity.tenant_id or not identity.aad_object_id:
            raise ValidationFailed("a tenant id and an AAD object id are needed to use the local backend")
        found = await self._lookup(identity)
        if found is not None:
            return found
        last_error: IntegrityError | None = None
        for _ in range(_BIND_ATTEMPTS):
            try:
                return await self._get_or_create(identity)
            except IntegrityError as exc:  # lost a race with another first message: the row exists now
                last_error = exc
        raise Unavailable("could not set up the workspace; please try again") from last_error

    def forget(self, identity: Identity) -> None:
        """Bind the person from the database next time (`BackendRegistry.forget`)."""
        if self._cache is not None:
            self._cache.forget_binding(identity.tenant_id, identity.aad_object_id)

    async def close(self) -> None:
        if self._dispose_engine:
            await self._engine.dispose()

    def _backend(self, workspace_row: Any, user_row: Any) -> LocalBackend:
        return LocalBackend(
            self._engine,
            workspace_from_row(workspace_row),
            user_from_row(user_row),
            clock=self._clock,
            cache=self._cache,
        )

    async def _lookup(self, identity: Identity) -> LocalBackend | None:
        """The common path: both rows exist and nothing changed. One query (none once seen, while the cache
        is trusted), no write."""
        if self._cache is not None and (
            hit := self._cache.binding(identity.tenant_id, identity.aad_object_id)
        ):
            workspace_row, user_row = hit
            if _unchanged(identity, user_row):
                return self._backend(workspace_row, user_row)
        ws, us = t.workspaces, t.users
        stmt = (
            sa.select(ws, *[c.label(f"user_{c.name}") for c in us.c])
            .select_from(ws.join(us, us.c.workspace_id == ws.c.id))
            .where(ws.c.tenant_id == identity.tenant_id, us.c.aad_object_id == identity.aad_object_id)
        )
        stamp = self._cache.binding_stamp() if self._cache is not None else 0
        async with read_connection(self._engine) as conn:
            row = (await conn.execute(stmt)).one_or_none()
        if row is None:
            return None
        mapping = row._mapping
        user_row = SimpleNamespace(**{c.name: mapping[f"user_{c.name}"] for c in us.c})
        if not _unchanged(identity, user_row):
            return None  # profile changed: take the write path
        if self._cache is not None:
            self._cache.keep_binding(identity.tenant_id, identity.aad_object_id, row, user_row, stamp)
        return self._backend(row, user_row)

    async def _get_or_create(self, identity: Identity) -> LocalBackend:
        ws, us = t.workspaces, t.users
        now = self._clock()
        stamp = self._cache.binding_stamp() if self._cache is not None else 0
        async with write(self._engine) as conn:
            workspace = await self._locked_workspace(conn, identity.tenant_id)
            if workspace is None:
                await conn.execute(
                    ws.insert().values(
                        id=new_id(),
                        tenant_id=identity.tenant_id,
                        name=(identity.tenant_name or DEFAULT_WORKSPACE_NAME)[:200],
                        admin_only_master_data=False,
                        default_timezone=self._default_timezone,
                        weekly_target_minutes=40 * 60,
                        created_at=now,
                    )
                )
                workspace = await self._locked_workspace(conn, identity.tenant_id)
                assert workspace is not None
            user = (
                await conn.execute(
                    sa.select(us).where(
                        us.c.workspace_id == workspace.id, us.c.aad_object_id == identity.aad_object_id
                    )
                )
            ).one_or_none()
            name = _display_name(identity)
            if user is None:
                has_users = (
                    await conn.execute(sa.select(sa.exists().where(us.c.workspace_id == workspace.id)))
                ).scalar_one()
                await conn.execute(
                    us.insert().values(
                        id=new_id(),
                        workspace_id=workspace.id,
                        aad_object_id=identity.aad_object_id,
                        name=name,
                        email=identity.email,
                        is_admin=not has_users,
                        timezone=None,
                        created_at=now,
                    )
                )
            else:
                changes: dict[str, Any] = {}
                if user.name != name:
                    changes["name"] = name
                if identity.email and user.email != identity.email:
                    changes["email"] = identity.email
                if changes:
                    await conn.execute(us.update().where(us.c.id == user.id).values(**changes))
                    self._forget_binding(identity)
            user = (
                await conn.execute(
                    sa.select(us).where(
                        us.c.workspace_id == workspace.id, us.c.aad_object_id == identity.aad_object_id
                    )
                )
            ).one()
        if (cache := self._cache) is not None:  # the next turn binds from memory, once this committed
            key = (identity.tenant_id, identity.aad_object_id)
            after_commit(lambda: cache.keep_binding(*key, workspace, user, stamp))
        return self._backend(workspace, user)

    def _forget_binding(self, identity: Identity) -> None:
        """Now and once the unit ended: a lookup before the commit could only keep the old row."""
        cache = self._cache
        if cache is not None:
            cache.forget_binding(identity.tenant_id, identity.aad_object_id)
            after_unit(lambda: cache.forget_binding(identity.tenant_id, identity.aad_object_id))

    async def _locked_workspace(self, conn: AsyncConnection, tenant_id: str) -> Any:
        stmt = sa.select(t.workspaces).where(t.workspaces.c.tenant_id == tenant_id)
        if conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        return (await conn.execute(stmt)).one_or_none()


def _unchanged(identity: Identity, user_row: Any) -> bool:
    """The stored name and email are still the person's (else the write path updates them)."""
    if user_row.name != _display_name(identity):
        return False
    return not (identity.email and user_row.email != identity.email)


def _display_name(identity: Identity) -> str:
    return (identity.name or identity.aad_object_id)[:200]
