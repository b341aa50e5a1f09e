"""`python -m bench.writes [--logs 2000] [--people 64] [--concurrency 16] [--db sqlite|postgres]`: writes.

`--logs` times `log 9-9:30 <date>` (a new day each time, so nothing overlaps) from `--people` people, run
through the real bot (`Timebot.handle`: routing, parser, service, local backend, store) in this process,
`--concurrency` at a time, on a fresh migrated database. Each turn's reply is produced only after its writes
committed. Reported: logs per second, latency percentiles, CPU per log, and per log the SQL statements the
driver executed and the COMMITs (counted with SQLAlchemy's engine events). No Teams transport: this isolates
what a write costs below the HTTP edge.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from adapters.local.factory import LocalBackendFactory
from adapters.sql import create_engine, sync_engines
from bot.activity import Activity
from bot.service.context import Services
from bot.service.refdata import RefDataCache
from bot.store.migrate import upgrade
from bot.store.state import Store
from bot.timebot import Timebot
from tests.support.harness import activity_json

POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


class Counter:
    """Statements and commits seen by the engine's DBAPI connections (a measurement hook)."""

    def __init__(self, engine: Any) -> None:
        self.statements = 0
        self.commits = 0
        for sync_engine in sync_engines(engine):  # on SQLite also the writer's and inline readers' engines
            event.listen(sync_engine, "before_cursor_execute", self._statement)
            event.listen(sync_engine, "commit", self._commit)

    def _statement(self, *_: Any) -> None:
        self.statements += 1

    def _commit(self, *_: Any) -> None:
        self.commits += 1

    def reset(self) -> None:
        self.statements = self.commits = 0


async def run(url: str, logs: int, people: int, concurrency: int) -> dict[str, float]:
    engine = create_engine(url)
    await upgrade(engine)
    services = Services(store=Store(engine), refdata=RefDataCache())
    bot = Timebot(services, LocalBackendFactory(engine))
    await bot.startup()

    def activity(person: int, text: str = "status") -> Activity:
        data = activity_json(
            text, user=f"user-{person}", name=f"Person {person}", conversation_id=f"a:chat-{person}"
        )
        data["id"] = uuid.uuid4().hex
        return Activity.model_validate(data)

    for person in range(people):  # first contact: workspace, user, welcome (not measured)
        await bot.handle(activity(person))
    counter = Counter(engine)
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(logs):
        queue.put_nowait(i)

    async def worker() -> None:
        while not queue.empty():
            i = queue.get_nowait()
            day = (date(2025, 1, 1) + timedelta(days=i // people)).isoformat()
            started = time.perf_counter()
            result = await bot.handle(activity(i % people, f"log 9-9:30 {day}"))
            latencies.append(time.perf_counter() - started)
            assert result.messages, "no reply"

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    async with engine.connect() as conn:
        stored = (await conn.execute(sa.text("SELECT count(*) FROM local_time_entries"))).scalar_one()
    await bot.shutdown()
    await engine.dispose()
    latencies.sort()
    return {
        "logs/s": logs / wall,
        "p50 ms": latencies[len(latencies) // 2] * 1000,
        "p99 ms": latencies[int(len(latencies) * 0.99)] * 1000,
        "CPU ms/log": cpu / logs * 1000,
        "statements/log": counter.statements / logs,
        "commits/log": counter.commits / logs,
        "entries": float(stored),
    }


async def _postgres_schema() -> tuple[str, Any]:
    import asyncpg

    schema = f"bench_writes_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/test")
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    return f"{POSTGRES}?search_path={schema}", (admin, schema)


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.writes", description=__doc__)
    parser.add_argument("--logs", type=int, default=2000)
    parser.add_argument("--people", type=int, default=64)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        cleanup = None
        if args.db == "sqlite":
            url = f"sqlite+aiosqlite:///{Path(folder) / 'writes.db'}"
        else:
            url, cleanup = await _postgres_schema()
        try:
            result = await run(url, args.logs, args.people, args.concurrency)
        finally:
            if cleanup is not None:
                admin, schema = cleanup
                await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
                await admin.close()
    print(
        f"{args.logs} × 'log 9-9:30 <date>', {args.people} people, {args.concurrency} at a time, {args.db}:"
    )
    for name, value in result.items():
        print(f"  {name:>15}: {value:,.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
