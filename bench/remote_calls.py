"""`python -m bench.remote_calls`: remote API calls per command, per backend, with warm reference data.

A fixed script of commands runs through the real bot (parser → service → adapter) against each remote
backend's fake server on loopback (the same fakes and set-up as the conformance suite). Every HTTP request an
adapter sends is counted. The script runs twice: the first pass warms the caches, the second is reported.
The adapters keep their real page sizes (the test suite's harnesses use tiny ones).
"naive" is what an adapter without a reference-data cache costs for the same command: list what the name
refers to, then write (so `start @website` = list projects + create = 2; `stop` = current + stop = 2).

Counting patches `httpx.AsyncClient.send` in this process only (a measurement hook, like a profiler).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from adapters.backend import Backend, Capability, Identity
from adapters.models import ProjectDraft
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


async def measure(kind: str, workdir: Path) -> list[int] | str:
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
            counts = []
            with _Counter() as counter:
                for command, _ in SCRIPT:
                    before = counter.calls
                    await say(command)
                    counts.append(counter.calls - before)
            return counts
    finally:
        await engine.dispose()


async def main(kinds: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        results = {kind: await measure(kind, Path(tmp)) for kind in kinds}
    header = "| command | " + " | ".join(kinds) + " | naive |"
    print(header)
    print("|---|" + "---:|" * (len(kinds) + 1))
    for index, (command, naive) in enumerate(SCRIPT):
        cells = []
        for kind in kinds:
            value = results[kind]
            cells.append(str(value[index]) if isinstance(value, list) else value)
        print(f"| `{command}` | " + " | ".join(cells) + f" | {naive} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", default=",".join(REMOTE))
    args = parser.parse_args()
    asyncio.run(main([k for k in args.backends.split(",") if k]))
