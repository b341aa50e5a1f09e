"""Concurrent writes: 32 people logging at once all commit and each is answered only once its entry is
committed (on both databases); on SQLite, units queued behind one another share one COMMIT, and a unit that
fails in a batch rolls back alone."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql import unit_of_work, write
from adapters.sql.writer import writer_for
from bot.store.tables import seen_activities
from tests.http.test_teams_http import card_text
from tests.support.db import POSTGRES_URL, _asyncpg_dsn
from tests.support.harness import Harness, activity_json

NOW = datetime(2026, 11, 17, 14, 0, tzinfo=UTC)
PEOPLE = 32

ENTRIES_OF = (
    "SELECT count(*) FROM local_time_entries e JOIN local_users u ON u.id = e.user_id "
    "WHERE u.aad_object_id = {}"
)


def _person(i: int, text: str) -> dict[str, Any]:
    data = activity_json(text, user=f"p{i}", name=f"Person {i}", conversation_id=f"a:p{i}")
    data["id"] = f"act-{uuid.uuid4().hex}"
    return data


class Elsewhere:
    """Another connection to the database, as a second process would have."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sqlite: sqlite3.Connection | None = None
        self.search_path = ""
        if engine.dialect.name == "sqlite":
            self.sqlite = sqlite3.connect(str(engine.url.database))

    async def entries_of(self, person: str) -> int:
        if self.sqlite is not None:
            # Synchronous, right after the reply: no other task can commit anything in between.
            return int(self.sqlite.execute(ENTRIES_OF.format("?"), (person,)).fetchone()[0])
        if not self.search_path:
            async with self.engine.connect() as conn:
                self.search_path = str((await conn.execute(sa.text("SHOW search_path"))).scalar_one())
        conn = await asyncpg.connect(
            _asyncpg_dsn(POSTGRES_URL), server_settings={"search_path": self.search_path}
        )
        try:
            return int(await conn.fetchval(ENTRIES_OF.format("$1"), person))
        finally:
            await conn.close()


async def test_32_concurrent_logs_all_commit_each_answered_after_its_own_commit(engine: AsyncEngine) -> None:
    harness = Harness(engine, NOW)
    for i in range(PEOPLE):  # first contact: their users exist
        await harness.turn(_person(i, "status"))
    elsewhere = Elsewhere(engine)
    visible_when_answered: dict[int, int] = {}

    async def log(i: int) -> str:
        result = await harness.turn(_person(i, "log 9-9:30"))
        visible_when_answered[i] = await elsewhere.entries_of(f"p{i}")
        return " ".join(card_text(m.card) for m in result.messages)

    replies = await asyncio.gather(*(log(i) for i in range(PEOPLE)))
    assert all("Logged" in reply for reply in replies)
    assert visible_when_answered == {i: 1 for i in range(PEOPLE)}


def _only_sqlite(engine: AsyncEngine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single writer; PostgreSQL commits each unit on its own connection")


async def test_units_queued_behind_one_share_its_commit_and_a_failing_one_rolls_back_alone(
    engine: AsyncEngine,
) -> None:
    _only_sqlite(engine)
    writer = writer_for(engine)
    elsewhere = sqlite3.connect(str(engine.url.database))
    holding, go = asyncio.Event(), asyncio.Event()
    visible_at_return: dict[int, bool] = {}

    def committed(n: int) -> bool:
        query = "SELECT count(*) FROM bot_seen_activities WHERE activity_id = ?"
        return bool(elsewhere.execute(query, (f"unit-{n}",)).fetchone()[0])

    async def unit(n: int) -> None:
        async with unit_of_work(), write(engine) as conn:
            await conn.execute(seen_activities.insert().values(activity_id=f"unit-{n}", seen_at=NOW))
            if n == 0:  # holds the writer until all others queued behind it
                holding.set()
                await go.wait()
            if n == 3:
                raise RuntimeError("unit 3 fails after its write")
        visible_at_return[n] = committed(n)

    commits = writer.commits
    first = asyncio.create_task(unit(0))
    await holding.wait()
    rest = [asyncio.create_task(unit(n)) for n in range(1, 8)]
    for _ in range(1000):  # a few loop turns: each task runs up to the writer's queue
        if writer.waiting == 7:
            break
        await asyncio.sleep(0)
    assert writer.waiting == 7
    go.set()
    results = await asyncio.gather(first, *rest, return_exceptions=True)
    assert [type(r).__name__ for r in results] == ["NoneType"] * 3 + ["RuntimeError"] + ["NoneType"] * 4
    assert writer.commits - commits == 1  # eight units, one COMMIT
    assert visible_at_return == {n: True for n in (0, 1, 2, 4, 5, 6, 7)}  # none returned before it
    assert not committed(3)  # the failed unit's row went with its savepoint, and only it
    async with engine.connect() as conn:
        rows = (await conn.execute(sa.select(seen_activities.c.activity_id))).scalars().all()
    assert sorted(rows) == [f"unit-{n}" for n in (0, 1, 2, 4, 5, 6, 7)]
