"""Pending sign-in links: who asked, where, and the flow's secrets, kept until the callback or ~10 minutes.

The link carries a random `state` (256 bits); the row is keyed by its SHA-256, so the database never holds a
usable state. The payload (PKCE verifier, nonce, the conversation to confirm in, the command to run after)
is AES-GCM sealed and bound to the row's state hash, tenant, user and provider. `claim` deletes the row in
the same statement that reads it (`DELETE … RETURNING`): a link works once, even with several processes.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import Identity
from adapters.sql import read_connection, write
from bot.secrets import Sealer
from bot.store import tables as t


@dataclass(frozen=True)
class Pending:
    identity: Identity  # the person who asked for the link (tenant and Entra object id)
    provider: str  # "entra" or "awork"
    data: dict[str, Any]  # backend, reference, command, locale, flow…
    expires_at: datetime


Refusal = Literal["unknown", "expired"]


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


class PendingSignIns:
    def __init__(self, engine: AsyncEngine, roots: list[bytes]) -> None:
        self._engine = engine
        self._sealer = Sealer(roots, "signin-states")

    @staticmethod
    def _aad(state_hash: str, tenant_id: str, aad_object_id: str, provider: str) -> bytes:
        return f"{state_hash}\x1f{tenant_id}\x1f{aad_object_id}\x1f{provider}".encode()

    async def create(
        self, identity: Identity, provider: str, data: dict[str, Any], *, now: datetime, ttl: timedelta
    ) -> str:
        """A new pending sign-in; returns its state (the secret part of the link)."""
        state = secrets.token_urlsafe(32)
        state_hash = _hash(state)
        payload = json.dumps({"name": identity.name, **data}).encode()
        blob, kid = self._sealer.seal(
            payload, self._aad(state_hash, identity.tenant_id, identity.aad_object_id, provider)
        )
        async with write(self._engine) as conn:
            await conn.execute(t.signin_states.delete().where(t.signin_states.c.expires_at < now))
            await conn.execute(
                t.signin_states.insert().values(
                    state_hash=state_hash,
                    tenant_id=identity.tenant_id,
                    aad_object_id=identity.aad_object_id,
                    provider=provider,
                    blob=blob,
                    key_id=kid,
                    expires_at=now + ttl,
                )
            )
        return state

    def _open(self, state_hash: str, row: Any) -> Pending | None:
        aad = self._aad(state_hash, row.tenant_id, row.aad_object_id, row.provider)
        opened = self._sealer.open(bytes(row.blob), row.key_id, aad)
        if opened is None:
            return None
        data: dict[str, Any] = json.loads(opened[0])
        name = str(data.pop("name", "") or "Teams user")
        return Pending(Identity(row.tenant_id, row.aad_object_id, name), row.provider, data, row.expires_at)

    async def peek(self, state: str, *, now: datetime) -> Pending | Refusal:
        """The pending sign-in behind `state`, leaving it in place (`/auth/start` may be opened twice)."""
        state_hash = _hash(state)
        s = t.signin_states
        async with read_connection(self._engine) as conn:
            row = (await conn.execute(sa.select(s).where(s.c.state_hash == state_hash))).one_or_none()
        if row is None:
            return "unknown"
        pending = self._open(state_hash, row)
        if pending is None:
            return "unknown"
        return "expired" if pending.expires_at <= now else pending

    async def replace(self, state: str, pending: Pending) -> bool:
        """Store new data for a pending sign-in (the flow, once it was started); False if it is gone."""
        state_hash = _hash(state)
        payload = json.dumps({"name": pending.identity.name, **pending.data}).encode()
        aad = self._aad(
            state_hash, pending.identity.tenant_id, pending.identity.aad_object_id, pending.provider
        )
        blob, kid = self._sealer.seal(payload, aad)
        s = t.signin_states
        async with write(self._engine) as conn:
            result = await conn.execute(
                s.update().where(s.c.state_hash == state_hash).values(blob=blob, key_id=kid)
            )
        return result.rowcount == 1

    async def claim(self, state: str, *, now: datetime) -> Pending | Refusal:
        """Take the pending sign-in (it is gone afterwards, whatever happens next)."""
        state_hash = _hash(state)
        s = t.signin_states
        async with write(self._engine) as conn:
            row = (
                await conn.execute(s.delete().where(s.c.state_hash == state_hash).returning(*s.c))
            ).one_or_none()
        if row is None:
            return "unknown"
        pending = self._open(state_hash, row)
        if pending is None:
            return "unknown"
        return "expired" if pending.expires_at <= now else pending
