"""One transaction per command: a `log` commits its entry, its undo record and the activity id together, on
both databases, through the real bot (`Timebot.handle`), and pruning is off the request path."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.local.tables import time_entries
from adapters.sql import create_engine, read_connection
from adapters.sql.writer import writer_for
from bot.features.housekeeping import Housekeeping
from bot.store.migrate import upgrade
from bot.store.state import Store, UndoRecord
from bot.store.tables import seen_activities, undo_records
from tests.http.test_teams_http import card_text
from tests.support.db import POSTGRES_URL, _asyncpg_dsn, database
from tests.support.harness import TENANT, Harness, activity_json

NOW = datetime(2026, 11, 17, 14, 0, tzinfo=UTC)


async def _count(engine: AsyncEngine, table: sa.Table) -> int:
    async with read_connection(engine) as conn:
        return int((await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar_one())


def _log(text: str = "log 9-9:30") -> dict[str, Any]:
    data = activity_json(text)
    data["id"] = f"act-{uuid.uuid4().hex}"
    return data


def _reply(result: Any) -> str:
    return " ".join(card_text(message.card) for message in result.messages)


def _commits(engine: AsyncEngine) -> list[int]:
    """A counter of COMMITs on every connection that writes `engine`'s database."""
    commits = [0]

    def count(*_: Any) -> None:
        commits[0] += 1

    engines = {engine.sync_engine}
    if engine.dialect.name == "sqlite":
        engines.add(writer_for(engine).engine.sync_engine)
    for sync_engine in engines:
        event.listen(sync_engine, "commit", count)
    return commits


async def test_a_log_is_one_commit_of_the_entry_its_undo_record_and_the_activity_id(
    engine: AsyncEngine,
) -> None:
    harness = Harness(engine, NOW)
    await harness.turn(_log("status"))  # first contact: workspace, user, conversation
    commits = _commits(engine)
    assert "Logged" in _reply(await harness.turn(_log()))
    assert commits[0] == 1
    assert await _count(engine, time_entries) == 1
    assert await _count(engine, undo_records) == 1
    assert await _count(engine, seen_activities) == 2  # the first contact wrote too (workspace, user)


async def test_a_redelivered_undo_that_another_process_committed_undoes_nothing_more(
    engine: AsyncEngine,
) -> None:
    first, second = Harness(engine, NOW), Harness(engine, NOW)  # two processes on one database
    await first.turn(_log("status"))
    await second.turn(_log("status"))  # it knows the conversation too: its turns need not write for it
    assert "Logged" in _reply(await first.turn(_log("log 9-9:30")))
    assert "Logged" in _reply(await first.turn(_log("log 10-10:30")))
    undo = _log("undo")
    assert _reply(await first.turn(undo))  # 10:00-10:30 undone
    assert (await second.turn(undo)).messages == []  # Teams redelivered it elsewhere: rolled back, unanswered
    async with read_connection(engine) as conn:
        starts = (await conn.execute(sa.select(time_entries.c.start))).scalars().all()
    assert [start.hour for start in starts] == [8]  # 09:00 Berlin: only the one undo happened
    assert await _count(engine, undo_records) == 2  # the first log's, and the undo's own


async def test_a_turn_that_fails_at_commit_leaves_nothing_and_runs_again(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = Harness(engine, NOW)
    await harness.turn(_log("status"))
    await harness.services.store.push_undo(TENANT, "someone", _undo("taken"))
    monkeypatch.setattr("bot.service.common.secrets.token_urlsafe", lambda _n: "taken")
    activity = _log()
    reply = _reply(await harness.turn(activity))
    assert "Logged" not in reply and "didn't work" in reply  # the undo record's INSERT failed at COMMIT
    assert await _count(engine, time_entries) == 0  # so the entry was not committed either
    assert await _count(engine, seen_activities) == 1  # the first contact's only

    monkeypatch.undo()
    assert "Logged" in _reply(await harness.turn(activity))  # Teams' retry of it runs
    assert await _count(engine, time_entries) == 1


async def test_a_turn_that_only_reads_writes_nothing(engine: AsyncEngine) -> None:
    harness = Harness(engine, NOW)
    await harness.turn(_log("status"))
    commits = _commits(engine)
    assert (await harness.turn(_log("status"))).messages  # answered
    assert commits[0] == 0  # the activity id of a read is not worth a COMMIT


def _undo(token: str, n: int = 0) -> UndoRecord:
    return UndoRecord(
        token=token,
        action="create",
        entity="time_entry",
        entity_id=f"entry-{n}",
        before=None,
        after=None,
        created_at=NOW,
    )


async def test_undo_journals_are_pruned_by_housekeeping_not_by_writes(engine: AsyncEngine) -> None:
    store = Store(engine, undo_depth=3)
    for n in range(5):
        await store.push_undo(TENANT, "u1", _undo(f"u1-{n}", n))
    await store.push_undo(TENANT, "u2", _undo("u2-0"))
    assert await _count(engine, undo_records) == 6  # a write only inserts
    assert [r.token for r in await store.undo_history(TENANT, "u1")] == ["u1-4", "u1-3", "u1-2"]

    await store.seen_activity("conv|old")
    later = datetime.now(UTC) + store._seen_retention * 2
    assert await Housekeeping(store, clock=lambda: later).run_once() == (2, 1)
    assert await _count(engine, undo_records) == 4  # u1's newest three and u2's one
    assert await _count(engine, seen_activities) == 0
    assert await store.pop_undo(TENANT, "u1", "u1-0") is None
    assert [r.token for r in await store.undo_history(TENANT, "u1")] == ["u1-4", "u1-3", "u1-2"]


@pytest.mark.postgres
async def test_a_dropped_postgres_connection_costs_a_retry_not_the_command(tmp_path: Path) -> None:
    """No ping on checkout: a pooled connection the server dropped fails its first statement, and the turn
    (nothing of it ran yet) runs again on a fresh connection."""
    name = f"timebot-test-{uuid.uuid4().hex[:12]}"
    async with database("postgres", tmp_path) as url:
        engine = create_engine(url, connect_args={"server_settings": {"application_name": name}})
        try:
            await upgrade(engine)
            harness = Harness(engine, NOW)
            await harness.turn(_log("status"))
            admin = await asyncpg.connect(_asyncpg_dsn(POSTGRES_URL))
            try:  # exactly this engine's pooled connections: the server drops them
                dropped = await admin.fetch(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", name
                )
            finally:
                await admin.close()
            assert dropped
            assert "Logged" in _reply(await harness.turn(_log()))
            assert await _count(engine, time_entries) == 1
        finally:
            await engine.dispose()
