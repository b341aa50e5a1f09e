"""The servers under test, each run in its own process: `python -m bench.servers <kind>`.

Kinds:
* `timebot`  — `bot.transport.server.create_web_app` with the real handler (`bot.wiring.build_handler`, a
  fresh SQLite database in a temp dir); falls back to the stand-in handler if the application is missing.
* `transport` — the same transport with a stand-in handler that echoes the text (transport cost only).
* `transport-bg` — as `transport`, but answering before the reply is sent (`send_before_answer=False`).
* `anchor`   — bare aiohttp doing only the protocol work: parse the activity JSON, post one reply to
  `serviceUrl` with one pooled aiohttp client, answer 200 (with `BENCH_TOKEN_URL` set, the reply carries a
  bearer token fetched from there once; `BENCH_PORT` picks the port).
* `stock`    — botbuilder's own wiring: `CloudAdapter` + an `ActivityHandler` replying with
  `turn_context.send_activity` (msrest + requests in a thread pool).

Prints `READY <port> <handler description>` once listening; stops on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp import web

# Far above anything the bench reaches, so the limiter code runs but never delays (Teams' real limits
# would cap every user at 7 replies/s and the process at 40/s, which is what they are for, not a cost).
BENCH_LIMITS_PER_CONVERSATION = 1_000_000
BENCH_LIMITS_OVERALL = 10_000_000


class EchoHandler:
    """Stand-in `TurnHandler`: one text reply per message."""

    async def startup(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def handle(self, activity: Any) -> Any:
        from bot.activity import OutgoingMessage, TurnResult

        return TurnResult(messages=[OutgoingMessage(text=f"echo: {activity.text}")])


def _timebot_app(kind: str) -> tuple[web.Application, str]:
    from bot.settings import Settings
    from bot.transport.connector import ConnectorClient
    from bot.transport.ratelimit import RateLimits, Window
    from bot.transport.server import create_web_app

    data_dir = Path(tempfile.mkdtemp(prefix="timebot-bench-"))
    settings = Settings(
        _env_file=None,
        app_id="",
        data_dir=data_dir,
        database_url=f"sqlite+aiosqlite:///{data_dir / 'bench.db'}",
        log_level="WARNING",
    )
    handler: Any
    description = "stand-in echo handler"
    if kind == "timebot":
        try:
            from bot.wiring import build_handler

            handler = build_handler(settings)
            description = "real handler (bot.wiring.build_handler, local backend, SQLite)"
        except ImportError as exc:
            handler = EchoHandler()
            description = f"STAND-IN echo handler (bot.wiring unavailable: {exc})"
    else:
        handler = EchoHandler()
    limits = RateLimits(
        per_conversation=(Window(BENCH_LIMITS_PER_CONVERSATION, 1.0),),
        overall=(Window(BENCH_LIMITS_OVERALL, 1.0),),
        per_tenant=(Window(BENCH_LIMITS_OVERALL, 1.0),),  # one tenant here: Teams' 50/s would cap the row
    )
    connector = ConnectorClient(limits=limits)
    before = kind != "transport-bg"
    if not before:
        description += ", replies sent after the HTTP answer"
    return create_web_app(settings, handler, connector=connector, send_before_answer=before), description


def _anchor_app() -> tuple[web.Application, str]:
    client_key = web.AppKey("client", aiohttp.ClientSession)
    headers: dict[str, str] = {}

    async def messages(request: web.Request) -> web.Response:
        activity = json.loads(await request.read())
        conversation = activity["conversation"]
        reply = {
            "type": "message",
            "text": f"echo: {activity.get('text')}",
            "from": activity.get("recipient"),
            "recipient": activity.get("from"),
            "conversation": conversation,
            "replyToId": activity.get("id"),
        }
        conversation_id, activity_id = quote(conversation["id"], safe=""), quote(activity["id"], safe="")
        path = f"/v3/conversations/{conversation_id}/activities/{activity_id}"
        url = activity["serviceUrl"].rstrip("/") + path
        async with request.app[client_key].post(url, json=reply, headers=headers) as resp:
            await resp.read()
        return web.Response(status=200)

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def startup(app: web.Application) -> None:
        app[client_key] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        if token_url := os.environ.get("BENCH_TOKEN_URL"):  # the deployed bench's connector wants a bearer
            async with app[client_key].get(token_url) as resp:
                headers["Authorization"] = "Bearer " + (await resp.json())["access_token"]

    async def cleanup(app: web.Application) -> None:
        await app[client_key].close()

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.on_startup.append(startup)
    app.on_cleanup.append(cleanup)
    return app, "bare aiohttp: parse, one pooled reply, 200"


def _stock_app() -> tuple[web.Application, str]:
    from botbuilder.core import ActivityHandler, TurnContext
    from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

    class Config:
        APP_ID = ""
        APP_PASSWORD = ""
        APP_TYPE = "MultiTenant"
        APP_TENANTID = ""

    class Bot(ActivityHandler):
        async def on_message_activity(self, turn_context: TurnContext) -> None:
            await turn_context.send_activity(f"echo: {turn_context.activity.text}")

    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(Config()))
    bot = Bot()

    async def messages(request: web.Request) -> web.StreamResponse:
        response = await adapter.process(request, bot)
        return response if response is not None else web.Response(status=200)

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    return app, "botbuilder 4.17.1 CloudAdapter + ActivityHandler (send_activity)"


async def main(kind: str) -> None:
    logging.basicConfig(level=logging.WARNING)
    if kind in ("timebot", "transport", "transport-bg"):
        app, description = _timebot_app(kind)
    elif kind == "anchor":
        app, description = _anchor_app()
    elif kind == "stock":
        app, description = _stock_app()
    else:
        raise SystemExit(f"unknown server kind {kind!r}")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", int(os.environ.get("BENCH_PORT", "0")), backlog=1024)
    await site.start()
    port = runner.addresses[0][1]
    print(f"READY {port} {description}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["timebot", "transport", "transport-bg", "anchor", "stock"])
    asyncio.run(main(parser.parse_args().kind))
    sys.exit(0)
