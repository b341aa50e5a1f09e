"""Connections: secrets encrypted at rest, bound to their owner, decryptable across key rotation."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import Identity
from adapters.credentials import Connection
from bot.store import tables as t
from bot.store.connections import ConnectionStore

ADA = Identity("tenant-1", "aad-ada", "Ada")
BOB = Identity("tenant-1", "aad-bob", "Bob")
TOKEN = "1971250d3b9c8a7e6f5d4c3b2a1908f7"


async def test_round_trip_and_nothing_readable_at_rest(engine: AsyncEngine) -> None:
    store = ConnectionStore(engine, [b"root-secret-one-" * 3])
    await store.save(ADA, Connection("toggl", TOKEN, workspace_id="777"))
    got = await store.get(ADA, "toggl")
    assert got == Connection("toggl", TOKEN, workspace_id="777") and TOKEN not in repr(got)
    async with engine.connect() as conn:
        raw = (await conn.execute(sa.select(t.connections))).one()
    assert TOKEN.encode() not in bytes(raw.secret) and TOKEN not in str(raw._mapping)
    assert await store.get(BOB, "toggl") is None and await store.get(ADA, "awork") is None


async def test_a_row_copied_to_another_user_does_not_decrypt(engine: AsyncEngine) -> None:
    store = ConnectionStore(engine, [b"root-secret-one-" * 3])
    await store.save(ADA, Connection("toggl", TOKEN))
    async with engine.begin() as conn:
        await conn.execute(t.connections.update().values(aad_object_id=BOB.aad_object_id))
    assert await store.get(BOB, "toggl") is None


async def test_rotation_keeps_old_secrets_readable_and_writes_with_the_new_key(engine: AsyncEngine) -> None:
    old, new = b"old-root-secret-" * 3, b"new-root-secret-" * 3
    await ConnectionStore(engine, [old]).save(ADA, Connection("toggl", TOKEN))
    rotated = ConnectionStore(engine, [new, old])
    assert (await rotated.get(ADA, "toggl")).secret == TOKEN  # type: ignore[union-attr]
    await rotated.save(ADA, Connection("toggl", TOKEN + "2"))
    assert await ConnectionStore(engine, [old]).get(ADA, "toggl") is None  # re-encrypted with the new key
    assert (await ConnectionStore(engine, [new]).get(ADA, "toggl")).secret == TOKEN + "2"  # type: ignore[union-attr]


async def test_workspace_choice_and_delete(engine: AsyncEngine) -> None:
    store = ConnectionStore(engine, [b"root-secret-one-" * 3])
    await store.save(ADA, Connection("awork", TOKEN))
    await store.set_workspace(ADA, "awork", "ws-2")
    assert (await store.get(ADA, "awork")).workspace_id == "ws-2"  # type: ignore[union-attr]
    assert await store.delete(ADA, "awork") and await store.get(ADA, "awork") is None
