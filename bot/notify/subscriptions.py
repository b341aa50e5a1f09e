"""Who wants to hear about which changes (subscriptions), and the webhook endpoints that feed them.

A subscription is one conversation × tracker workspace × entity, with the events (created/changed/deleted)
and projects it cares about. An endpoint is our side of one backend registration per tracker workspace —
whatever the number of subscribing conversations — with the secret that authenticates its deliveries
(Toggl's HMAC key, awork's header value, timeghost's Basic-auth password), encrypted at rest and bound to
its token as associated data.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.backend import Identity
from adapters.sql import dialect_insert, read_connection, write
from bot.secrets import derive, key_id
from bot.store import tables as t

NONCE = 12


@dataclass(frozen=True)
class Subscription:
    conversation_id: str
    tenant_id: str
    scope: str
    backend: str
    workspace_id: str
    entity: str
    events: list[str]
    projects: list[dict[str, str]]  # [{"id", "name"}]; empty: all
    owner_tenant_id: str
    owner_aad_object_id: str
    owner_user_id: str
    owner_name: str
    locale: str
    timezone: str
    id: int = 0

    @property
    def owner(self) -> Identity:
        return Identity(self.owner_tenant_id, self.owner_aad_object_id, self.owner_name)

    def wants(self, event: str, project_id: str | None) -> bool:
        if event not in self.events:
            return False
        if not self.projects:
            return True
        return project_id is not None and project_id in {p["id"] for p in self.projects}


@dataclass
class Endpoint:
    token: str
    backend: str
    workspace_id: str
    owner_tenant_id: str
    owner_aad_object_id: str
    secret: str = field(repr=False)
    remote: dict[str, Any] = field(default_factory=dict)
    validated_at: datetime | None = None


def _subscription(row: Any) -> Subscription:
    return Subscription(
        id=row.id,
        conversation_id=row.conversation_id,
        tenant_id=row.tenant_id,
        scope=row.scope,
        backend=row.backend,
        workspace_id=row.workspace_id,
        entity=row.entity,
        events=list(row.events),
        projects=list(row.projects),
        owner_tenant_id=row.owner_tenant_id,
        owner_aad_object_id=row.owner_aad_object_id,
        owner_user_id=row.owner_user_id,
        owner_name=row.owner_name,
        locale=row.locale,
        timezone=row.timezone,
    )


class SubscriptionStore:
    def __init__(self, engine: AsyncEngine, roots: list[bytes]) -> None:
        if not roots:
            raise ValueError("at least one secret is needed to encrypt webhook secrets")
        self._engine = engine
        self._keys = [derive(root, "webhook-secrets") for root in roots]

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    # ---- subscriptions ----------------------------------------------------------------------------------

    async def put(self, sub: Subscription, now: datetime) -> None:
        """Create or replace the conversation's subscription to `sub.entity` in that workspace."""
        s = t.subscriptions
        key = (
            s.c.conversation_id == sub.conversation_id,
            s.c.backend == sub.backend,
            s.c.workspace_id == sub.workspace_id,
            s.c.entity == sub.entity,
        )
        values = {
            "tenant_id": sub.tenant_id,
            "scope": sub.scope,
            "events": list(sub.events),
            "projects": list(sub.projects),
            "owner_tenant_id": sub.owner_tenant_id,
            "owner_aad_object_id": sub.owner_aad_object_id,
            "owner_user_id": sub.owner_user_id,
            "owner_name": sub.owner_name,
            "locale": sub.locale,
            "timezone": sub.timezone,
        }
        async with write(self._engine) as conn:
            updated = await conn.execute(s.update().where(*key).values(**values))
            if updated.rowcount == 0:
                await conn.execute(
                    s.insert().values(
                        conversation_id=sub.conversation_id,
                        backend=sub.backend,
                        workspace_id=sub.workspace_id,
                        entity=sub.entity,
                        created_at=now,
                        **values,
                    )
                )

    async def of_conversation(self, conversation_id: str) -> list[Subscription]:
        s = t.subscriptions
        async with read_connection(self._engine) as conn:
            rows = await conn.execute(
                sa.select(s).where(s.c.conversation_id == conversation_id).order_by(s.c.id)
            )
            return [_subscription(r) for r in rows]

    async def matching(
        self, backend: str, workspace_id: str, entity: str, *, conn: AsyncConnection | None = None
    ) -> list[Subscription]:
        s = t.subscriptions
        query = (
            sa.select(s)
            .where(s.c.backend == backend, s.c.workspace_id == workspace_id, s.c.entity == entity)
            .order_by(s.c.id)
        )
        if conn is not None:
            return [_subscription(r) for r in await conn.execute(query)]
        async with read_connection(self._engine) as own:
            return [_subscription(r) for r in await own.execute(query)]

    async def matching_all(
        self, keys: Iterable[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], list[Subscription]]:
        """`matching` for several (backend, workspace id, entity) at once: one query for a fan-out round
        whose changes come from many workspaces (every key is in the answer, [] if nobody subscribed)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[tuple[str, str, str], list[Subscription]] = {key: [] for key in wanted}
        if not wanted:
            return found
        s = t.subscriptions
        query = (
            sa.select(s)
            .where(sa.tuple_(s.c.backend, s.c.workspace_id, s.c.entity).in_(wanted))
            .order_by(s.c.id)
        )
        async with read_connection(self._engine) as conn:
            for row in await conn.execute(query):
                found[(row.backend, row.workspace_id, row.entity)].append(_subscription(row))
        return found

    async def of_backend(self, backend: str) -> list[Subscription]:
        s = t.subscriptions
        async with read_connection(self._engine) as conn:
            rows = await conn.execute(sa.select(s).where(s.c.backend == backend).order_by(s.c.id))
            return [_subscription(r) for r in rows]

    async def remove(
        self, conversation_id: str, entities: list[str] | None = None, *, conn: AsyncConnection | None = None
    ) -> list[Subscription]:
        """Delete the conversation's subscriptions (to `entities`, or all); returns what was removed."""
        s = t.subscriptions
        where = [s.c.conversation_id == conversation_id]
        if entities is not None:
            where.append(s.c.entity.in_(entities))
        if conn is None:
            async with write(self._engine) as own:
                return await self._remove(own, where)
        return await self._remove(conn, where)

    @staticmethod
    async def _remove(conn: AsyncConnection, where: list[sa.ColumnElement[bool]]) -> list[Subscription]:
        s = t.subscriptions
        gone = [_subscription(r) for r in await conn.execute(sa.select(s).where(*where))]
        await conn.execute(s.delete().where(*where))
        return gone

    async def workspace_in_use(self, backend: str, workspace_id: str) -> set[str]:
        """The entities any conversation still subscribes to in that workspace."""
        s = t.subscriptions
        async with read_connection(self._engine) as conn:
            rows = await conn.execute(
                sa.select(s.c.entity)
                .where(s.c.backend == backend, s.c.workspace_id == workspace_id)
                .distinct()
            )
            return {str(r[0]) for r in rows}

    # ---- webhook endpoints ------------------------------------------------------------------------------

    def _encrypt(self, token: str, secret: str) -> tuple[bytes, str]:
        nonce = os.urandom(NONCE)
        return nonce + AESGCM(self._keys[0]).encrypt(nonce, secret.encode(), token.encode()), key_id(
            self._keys[0]
        )

    def _decrypt(self, token: str, blob: bytes) -> str | None:
        for key in self._keys:
            try:
                return AESGCM(key).decrypt(blob[:NONCE], blob[NONCE:], token.encode()).decode()
            except InvalidTag:
                continue
        return None

    async def endpoint(self, token: str) -> Endpoint | None:
        if len(token) > 64:
            return None
        w = t.webhook_endpoints
        async with read_connection(self._engine) as conn:
            row = (await conn.execute(sa.select(w).where(w.c.token == token))).one_or_none()
        return self._endpoint(row)

    async def endpoint_for(self, backend: str, workspace_id: str) -> Endpoint | None:
        w = t.webhook_endpoints
        async with read_connection(self._engine) as conn:
            row = (
                await conn.execute(
                    sa.select(w).where(w.c.backend == backend, w.c.workspace_id == workspace_id)
                )
            ).one_or_none()
        return self._endpoint(row)

    def _endpoint(self, row: Any) -> Endpoint | None:
        if row is None:
            return None
        secret = self._decrypt(row.token, row.secret)
        if secret is None:  # encrypted with a key we no longer have: it cannot authenticate anything
            return None
        return Endpoint(
            token=row.token,
            backend=row.backend,
            workspace_id=row.workspace_id,
            owner_tenant_id=row.owner_tenant_id,
            owner_aad_object_id=row.owner_aad_object_id,
            secret=secret,
            remote=dict(row.remote),
            validated_at=row.validated_at,
        )

    async def create_endpoint(
        self, backend: str, workspace_id: str, owner_tenant_id: str, owner_aad_object_id: str, now: datetime
    ) -> Endpoint:
        """A new endpoint with a fresh token and secret (or the existing one for that workspace)."""
        existing = await self.endpoint_for(backend, workspace_id)
        if existing is not None:
            return existing
        token, secret = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
        blob, kid = self._encrypt(token, secret)
        # Committed now: the tracker calls the endpoint back while the command registers it.
        async with write(self._engine, separate=True) as conn:
            stmt = (
                dialect_insert(conn, t.webhook_endpoints)
                .values(
                    token=token,
                    backend=backend,
                    workspace_id=workspace_id,
                    owner_tenant_id=owner_tenant_id,
                    owner_aad_object_id=owner_aad_object_id,
                    secret=blob,
                    key_id=kid,
                    remote={},
                    created_at=now,
                )
                .on_conflict_do_nothing(index_elements=["backend", "workspace_id"])
            )
            await conn.execute(stmt)
        made = await self.endpoint_for(backend, workspace_id)
        assert made is not None
        return made

    async def update_endpoint(
        self, token: str, *, remote: dict[str, Any] | None = None, validated_at: datetime | None = None
    ) -> None:
        w = t.webhook_endpoints
        values: dict[str, Any] = {}
        if remote is not None:
            values["remote"] = remote
        if validated_at is not None:
            values["validated_at"] = validated_at
        if values:
            # Committed now, like `create_endpoint`: the tracker's validation call reads it meanwhile.
            async with write(self._engine, separate=True) as conn:
                await conn.execute(w.update().where(w.c.token == token).values(**values))

    async def delete_endpoint(self, token: str) -> None:
        async with write(self._engine) as conn:
            await conn.execute(t.webhook_endpoints.delete().where(t.webhook_endpoints.c.token == token))
