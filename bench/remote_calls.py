"""`python -m bench.remote_calls`: remote API calls per command, per backend, with warm reference data.

A fixed script of commands runs through the real bot (parser → service → adapter) against each remote
backend's fake server on loopback (the same fakes and set-up as the conformance suite). Every HTTP request an
adapter sends is counted. The script runs twice: the first pass warms the caches, the second is reported.
The adapters keep their real page sizes (the test suite's harnesses use tiny ones).
"naive" is what an adapter without a reference-data cache costs for the same command: list what the name
refers to, then write (so `start @website` = list projects + create = 2; `stop` = current + stop = 2).

Then `report last month` over a month of `--report-entries` finished entries (default 2,000, seeded into the
backend beforehand): its calls, and the peak of Python memory while it runs (tracemalloc; the fake server runs
in the same process, so its answers count too: an upper bound for the bot).

Counting patches `httpx.AsyncClient.send` in this process only (a measurement hook, like a profiler).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import tracemalloc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from adapters.backend import Backend, Capability, Identity
from adapters.models import ProjectDraft, TimeEntryDraft
from adapters.sql import create_engine
from bot.activity import Activity
from bot.service.backends import BackendRegistry
from bot.service.context import Services
from bot.service.refdata import RefDataCache
from bot.store.migrate import upgrade
from bot.store.state import Store
from bot.timebot import Timebot
from tests.conformance.harnesses import HARNESSES
from tests.support.harness import activity_json

SCRIPT: list[tuple[str, int]] = [  # (command, naive call count)
    ("start @website", 2),  # list projects, create the running entry
    ("stop", 2),  # find the running entry, stop it
    ("log 1h @website", 2),  # list projects, create
    ("status", 1),  # today's entries (incl. the running one)
    ("today", 2),  # entries + projects for the names
]
REMOTE = ["toggl", "focus", "timeghost", "awork"]
REPORT = "report last month"


@dataclass
class Measured:
    counts: list[int]
    report_calls: int
    report_peak: int  # bytes
    report_entries: int


def _last_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


async def seed(harness: Any, backend: Backend, entries: int) -> None:
    """`entries` finished entries of 20 min spread over last month (UTC), made the way each backend can
    fastest: timeghost's fake takes them directly (its API budget of 100 calls a minute would take half an
    hour), the others through the adapter, 25 at a time."""
    first = _last_month(datetime.now(UTC).date())
    start = datetime.combine(first, datetime.min.time(), UTC) + timedelta(hours=1)
    step = timedelta(days=27) / entries
    slots = [start + i * step for i in range(entries)]
    if backend.kind == "timeghost":
        for at in slots:
            harness.fake.add_time(backend.workspace.id, backend.user.id, at, at + timedelta(minutes=20))
        return
    for i in range(0, entries, 25):
        batch = slots[i : i + 25]
        await asyncio.gather(
            *(
                backend.create_time_entry(
                    TimeEntryDraft(start=at, end=at + timedelta(minutes=20), description=f"work {n}")
                )
                for n, at in enumerate(batch, start=i)
            )
        )


class _Counter:
    def __init__(self) -> None:
        self.calls = 0
        self._original = httpx.AsyncClient.send

    def __enter__(self) -> _Counter:
        counter = self
        original = self._original

        async def send(client: httpx.AsyncClient, request: httpx.Request, **kwargs: Any) -> httpx.Response:
            counter.calls += 1
            return await original(client, request, **kwargs)

        httpx.AsyncClient.send = send  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        httpx.AsyncClient.send = self._original  # type: ignore[method-assign]


class _Factory:
    def __init__(self, kind: str, bind: Callable[[Identity], Awaitable[Backend]]) -> None:
        self.kind = kind
        self.bind = bind

    async def close(self) -> None:
        return None


async def measure(kind: str, workdir: Path, report_entries: int) -> Measured | str:
    if kind not in HARNESSES:
        return "not available"
    engine = create_engine(f"sqlite+aiosqlite:///{workdir / f'{kind}.db'}")
    await upgrade(engine)
    try:
        async with HARNESSES[kind](workdir, small_pages=False) as harness:
            who = harness.identity("alice")
            backend = await harness.bind(who)
            if Capability.PROJECTS in backend.capabilities:
                await backend.create_project(ProjectDraft(name="Website"))
            services = Services(store=Store(engine), refdata=RefDataCache())
            local = _Factory("local", harness.bind)
            bot = Timebot(
                services,
                BackendRegistry({"local": local, kind: _Factory(kind, harness.bind)}),  # type: ignore[dict-item]
                default_backend=kind,
            )

            async def say(text: str) -> None:
                data = activity_json(text, user=who.aad_object_id, name=who.name, tenant=harness.tenant_id)
                await bot.handle(Activity.model_validate(data))

            for command, _ in SCRIPT:  # warm-up pass: caches filled, the user bound
                await say(command)
            await say("undo")  # the warm-up's `log`: the measured one would overlap it and be asked about
            counts = []
            with _Counter() as counter:
                for command, _ in SCRIPT:
                    before = counter.calls
                    await say(command)
                    counts.append(counter.calls - before)
            await seed(harness, backend, report_entries)
            await say("status")  # the person bound, the reference data warm: the report's own cost only
            with _Counter() as counter:
                tracemalloc.start()
                try:
                    await say(REPORT)
                    peak = tracemalloc.get_traced_memory()[1]
                finally:
                    tracemalloc.stop()
            return Measured(counts, counter.calls, peak, report_entries)
    finally:
        await engine.dispose()


async def main(kinds: list[str], report_entries: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        results = {kind: await measure(kind, Path(tmp), report_entries) for kind in kinds}
    header = "| command | " + " | ".join(kinds) + " | naive |"
    print(header)
    print("|---|" + "---:|" * (len(kinds) + 1))
    for index, (command, naive) in enumerate(SCRIPT):
        cells = []
        for kind in kinds:
            value = results[kind]
            cells.append(str(value.counts[index]) if isinstance(value, Measured) else value)
        print(f"| `{command}` | " + " | ".join(cells) + f" | {naive} |")
    calls = [str(v.report_calls) if isinstance(v, Measured) else v for v in results.values()]
    peaks = [f"{v.report_peak / 2**20:.1f} MB" if isinstance(v, Measured) else v for v in results.values()]
    print(f"| `{REPORT}`, {report_entries:,} entries: calls | " + " | ".join(calls) + " | |")
    print(f"| `{REPORT}`, {report_entries:,} entries: peak memory | " + " | ".join(peaks) + " | |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", default=",".join(REMOTE))
    parser.add_argument("--report-entries", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(main([k for k in args.backends.split(",") if k], args.report_entries))
