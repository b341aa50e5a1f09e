"""People's connections to remote backends, with their tokens encrypted at rest (AES-GCM).

The associated data binds each ciphertext to its tenant, user and backend: a row copied to another user
does not decrypt. Secrets are never logged; `Connection.__repr__` hides them.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import Identity
from adapters.credentials import Connection
from adapters.sql import read_connection, write
from bot.secrets import Sealer
from bot.store import tables as t


class ConnectionStore:
    """Implements `adapters.credentials.ConnectionSource` over the `bot_connections` table."""

    def __init__(self, engine: AsyncEngine, roots: list[bytes]) -> None:
        self._engine = engine
        self._sealer = Sealer(roots, "connections")

    @staticmethod
    def _aad(identity: Identity, backend: str) -> bytes:
        return f"{identity.tenant_id}\x1f{identity.aad_object_id}\x1f{backend}".encode()

    def _encrypt(self, identity: Identity, backend: str, secret: str) -> tuple[bytes, str]:
        return self._sealer.seal(secret.encode(), self._aad(identity, backend))

    def _decrypt(self, identity: Identity, backend: str, blob: bytes, kid: str) -> str | None:
        opened = self._sealer.open(blob, kid, self._aad(identity, backend))
        # None: encrypted with a key we no longer have, so the person must connect again.
        return opened[0].decode() if opened is not None else None

    async def save(self, identity: Identity, connection: Connection) -> None:
        blob, kid = self._encrypt(identity, connection.backend, connection.secret)
        c = t.connections
        key = (c.c.tenant_id == identity.tenant_id, c.c.aad_object_id == identity.aad_object_id,
               c.c.backend == connection.backend)  # fmt: skip
        values = {
            "secret": blob,
            "key_id": kid,
            "workspace_id": connection.workspace_id,
            "extra": dict(connection.extra),
            "updated_at": datetime.now(UTC),
        }
        async with write(self._engine) as conn:
            updated = await conn.execute(c.update().where(*key).values(**values))
            if updated.rowcount == 0:
                await conn.execute(
                    c.insert().values(
                        tenant_id=identity.tenant_id,
                        aad_object_id=identity.aad_object_id,
                        backend=connection.backend,
                        **values,
                    )
                )

    async def get(self, identity: Identity, backend: str) -> Connection | None:
        c = t.connections
        async with read_connection(self._engine) as conn:
            row = (
                await conn.execute(
                    sa.select(c).where(
                        c.c.tenant_id == identity.tenant_id,
                        c.c.aad_object_id == identity.aad_object_id,
                        c.c.backend == backend,
                    )
                )
            ).one_or_none()
        if row is None:
            return None
        secret = self._decrypt(identity, backend, row.secret, row.key_id)
        if secret is None:
            return None
        return Connection(
            backend=backend, secret=secret, workspace_id=row.workspace_id, extra=dict(row.extra)
        )

    async def set_workspace(self, identity: Identity, backend: str, workspace_id: str) -> None:
        c = t.connections
        async with write(self._engine) as conn:
            await conn.execute(
                c.update()
                .where(
                    c.c.tenant_id == identity.tenant_id,
                    c.c.aad_object_id == identity.aad_object_id,
                    c.c.backend == backend,
                )
                .values(workspace_id=workspace_id, updated_at=datetime.now(UTC))
            )

    async def delete(self, identity: Identity, backend: str) -> bool:
        c = t.connections
        async with write(self._engine) as conn:
            result = await conn.execute(
                c.delete().where(
                    c.c.tenant_id == identity.tenant_id,
                    c.c.aad_object_id == identity.aad_object_id,
                    c.c.backend == backend,
                )
            )
        return bool(result.rowcount)
