"""The fake Bot Connector as its own process for the bench: `python -m bench.connector`.

Prints `READY <port>` once listening. `GET /stats` gives `{"count": n}` (requests answered), `POST /reset`
zeroes it. Requests are counted, not stored, so memory stays flat under load.
"""

from __future__ import annotations

import asyncio
import sys

from aiohttp import web

from tests.support.fake_connector import FakeConnector


async def main() -> None:
    fake = FakeConnector(record=False)

    async def stats(_request: web.Request) -> web.Response:
        return web.json_response({"count": fake.count})

    async def reset(_request: web.Request) -> web.Response:
        fake.reset()
        return web.json_response({"count": 0})

    app = fake.app()
    app.router.add_get("/stats", stats)
    app.router.add_post("/reset", reset)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    port = runner.addresses[0][1]
    print(f"READY {port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
