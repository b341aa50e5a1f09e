"""A real bot process (`python -m bot serve`) on a SQLite file is killed with SIGKILL while 32 people at a
time log time (the single writer group-commits them), then started again and sent every activity once more,
as Teams redelivers what it got no answer for: every log whose reply said "Logged" is in the database,
nothing is written twice, and what was committed before the kill is not answered again."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
from pathlib import Path
from typing import Any

import aiohttp

from tests.notify.test_crash import bot_process
from tests.support.db import sqlite_url
from tests.support.fake_connector import FakeConnector
from tests.support.harness import activity_json
from tests.support.notify_world import free_port

PEOPLE = 400
AT_ONCE = 32


def _activities(service_url: str) -> list[dict[str, Any]]:
    return [
        activity_json(
            "log 9-9:30 yesterday",
            user=f"p{i}",
            name=f"Person {i}",
            conversation_id=f"a:crash-{i}",
            service_url=service_url,
        )
        for i in range(PEOPLE)
    ]


def _confirmed(connector: FakeConnector) -> set[str]:
    """The people whose reply said "Logged" (their conversation is theirs alone)."""
    return {
        str(r.conversation_id).removeprefix("a:crash-")
        for r in connector.requests
        if r.conversation_id and "Logged" in json.dumps(r.json)
    }


def _entries(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as conn:
        rows = conn.execute(
            "SELECT u.aad_object_id, count(e.id) FROM local_users u "
            "LEFT JOIN local_time_entries e ON e.user_id = u.id GROUP BY u.aad_object_id"
        ).fetchall()
    return {str(person).removeprefix("p"): int(n) for person, n in rows}


async def _send(port: int, activities: list[dict[str, Any]]) -> None:
    limit = asyncio.Semaphore(AT_ONCE)
    async with aiohttp.ClientSession() as session:

        async def post(activity: dict[str, Any]) -> None:
            async with limit:
                try:
                    async with session.post(f"http://127.0.0.1:{port}/api/messages", json=activity) as resp:
                        await resp.read()
                except (TimeoutError, aiohttp.ClientError):
                    pass  # the process died under it

        await asyncio.gather(*(post(a) for a in activities))


async def test_sigkill_during_group_commits_loses_no_confirmed_log_and_redelivery_writes_nothing_twice(
    tmp_path: Path,
) -> None:
    database = tmp_path / "timebot.db"
    async with FakeConnector() as connector:
        activities = _activities(connector.url)
        port = free_port()
        async with bot_process(sqlite_url(database), port, tmp_path) as proc:
            sending = asyncio.create_task(_send(port, activities))
            while len(_confirmed(connector)) < PEOPLE // 4:
                assert proc.returncode is None and not sending.done()
                await asyncio.sleep(0.005)
            proc.send_signal(signal.SIGKILL)
            await proc.wait()
            await sending
        confirmed = _confirmed(connector)
        assert len(confirmed) < PEOPLE  # it really died mid-way
        entries = _entries(database)
        assert {p: entries.get(p) for p in confirmed} == {p: 1 for p in confirmed}  # nothing confirmed lost
        committed = {p for p, n in entries.items() if n}
        print(f"\nat SIGKILL: {len(confirmed)} answered 'Logged', {len(committed)} committed")

        answered_before = len(connector.requests)
        async with bot_process(sqlite_url(database), port, tmp_path):
            await _send(port, activities)  # Teams redelivers everything
        entries = _entries(database)
        assert entries == {str(i): 1 for i in range(PEOPLE)}  # each log once: none lost, none twice
        answered_again = {str(r.conversation_id) for r in connector.requests[answered_before:]}
        assert not answered_again & {f"a:crash-{p}" for p in committed}  # what was committed is ignored
