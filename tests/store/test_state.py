"""`Store`: preferences, the undo journal, conversation references and activity dedupe, on both databases."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.state import Store, UndoRecord, UserPrefs

TENANT = "tenant-1"


def _record(n: int, *, token: str | None = None) -> UndoRecord:
    return UndoRecord(
        token=token or f"tok-{n}-{uuid.uuid4().hex[:6]}",
        action="create",
        entity="time_entry",
        entity_id=f"entry-{n}",
        before=None,
        after={"id": f"entry-{n}", "start": "2026-11-17T14:00:00Z", "tag_ids": ["a", "b"]},
        created_at=datetime(2026, 11, 17, 14, n % 60, tzinfo=UTC),
        description=f"Logged {n}",
    )


async def test_prefs_default_then_upsert(engine: AsyncEngine) -> None:
    store = Store(engine)
    assert await store.get_prefs(TENANT, "u1") == UserPrefs(tenant_id=TENANT, aad_object_id="u1")
    prefs = UserPrefs(tenant_id=TENANT, aad_object_id="u1", timezone="Europe/Berlin", locale="de-DE")
    await store.save_prefs(prefs)
    assert await store.get_prefs(TENANT, "u1") == prefs
    changed = prefs.model_copy(update={"timezone": "America/New_York", "workspace_id": "w9", "locale": None})
    await store.save_prefs(changed)
    assert await store.get_prefs(TENANT, "u1") == changed
    assert await store.get_prefs(TENANT, "u2") == UserPrefs(tenant_id=TENANT, aad_object_id="u2")
    assert await store.get_prefs("tenant-2", "u1") == UserPrefs(tenant_id="tenant-2", aad_object_id="u1")


async def test_undo_pops_latest_first_and_round_trips(engine: AsyncEngine) -> None:
    store = Store(engine)
    records = [_record(n) for n in range(3)]
    for record in records:
        await store.push_undo(TENANT, "u1", record)
    await store.push_undo(TENANT, "u2", _record(99))
    assert await store.pop_undo(TENANT, "u1") == records[2]
    assert await store.pop_undo(TENANT, "u1") == records[1]
    assert await store.pop_undo(TENANT, "u1") == records[0]
    assert await store.pop_undo(TENANT, "u1") is None
    assert (await store.pop_undo(TENANT, "u2")) is not None


async def test_undo_pop_by_token_is_scoped_to_the_user(engine: AsyncEngine) -> None:
    store = Store(engine)
    first, second = _record(1, token="first"), _record(2, token="second")
    await store.push_undo(TENANT, "u1", first)
    await store.push_undo(TENANT, "u1", second)
    assert await store.pop_undo(TENANT, "u2", "first") is None  # someone else's token
    assert await store.pop_undo(TENANT, "u1", "first") == first
    assert await store.pop_undo(TENANT, "u1", "first") is None
    assert await store.pop_undo(TENANT, "u1") == second


async def test_undo_keeps_the_last_20(engine: AsyncEngine) -> None:
    store = Store(engine)
    records = [_record(n) for n in range(25)]
    for record in records:
        await store.push_undo(TENANT, "u1", record)
    await store.push_undo(TENANT, "u2", _record(100))
    popped = []
    while (latest := await store.pop_undo(TENANT, "u1")) is not None:
        popped.append(latest)
    assert popped == list(reversed(records[5:]))
    assert await store.pop_undo(TENANT, "u2") is not None


async def test_concurrent_pops_never_return_the_same_record(engine: AsyncEngine) -> None:
    store = Store(engine)
    records = [_record(n) for n in range(8)]
    for record in records:
        await store.push_undo(TENANT, "u1", record)
    results = await asyncio.gather(*(store.pop_undo(TENANT, "u1") for _ in range(12)))
    tokens = [r.token for r in results if r is not None]
    assert sorted(tokens) == sorted(r.token for r in records)
    assert results.count(None) == 4


async def test_conversation_refs_upsert(engine: AsyncEngine) -> None:
    store = Store(engine)
    assert await store.get_conversation_ref("conv-1") is None
    ref = {"conversation": {"id": "19:abc@thread.tacv2"}, "serviceUrl": "https://smba.example/", "bot": {}}
    await store.save_conversation_ref("conv-1", TENANT, ref)
    assert await store.get_conversation_ref("conv-1") == ref
    ref2 = ref | {"serviceUrl": "https://smba.example/emea/"}
    await store.save_conversation_ref("conv-1", TENANT, ref2)
    assert await store.get_conversation_ref("conv-1") == ref2


async def test_seen_activity_dedupes_and_prunes(engine: AsyncEngine) -> None:
    store = Store(engine)
    assert await store.seen_activity("conv|1") is False
    assert await store.seen_activity("conv|1") is True
    assert await store.seen_activity("conv|2") is False
    results = await asyncio.gather(*(store.seen_activity("conv|3") for _ in range(5)))
    assert sorted(results) == [False, True, True, True, True]
    # Durable on both databases: a restarted process (a new store) still knows them.
    assert await Store(engine).seen_activity("conv|1") is True
    assert await store.prune_seen_activities(datetime.now(UTC) - timedelta(hours=1)) == 0
    assert await store.prune_seen_activities(datetime.now(UTC) + timedelta(seconds=1)) == 3
    assert await Store(engine).seen_activity("conv|1") is False


async def test_single_process_memo_is_written_through(engine: AsyncEngine) -> None:
    """Preferences served from memory on SQLite still reflect every save (and PostgreSQL reads through)."""
    store = Store(engine)
    prefs = await store.get_prefs(TENANT, "memo-user")
    await store.save_prefs(prefs.model_copy(update={"timezone": "Europe/Berlin"}))
    assert (await store.get_prefs(TENANT, "memo-user")).timezone == "Europe/Berlin"
    await store.save_prefs(prefs.model_copy(update={"timezone": "Asia/Tokyo"}))
    assert (await store.get_prefs(TENANT, "memo-user")).timezone == "Asia/Tokyo"
