"""Drive the real application (parser, service, local backend, store) with a controllable clock.

`say("log 1h @web")` returns the typed outcome a person's command produced; `turn(activity)` runs a whole
activity through `Timebot.handle` and returns what would be sent back.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.local.factory import LocalBackendFactory
from bot.activity import Activity, TurnResult
from bot.commands import clean_text, parse
from bot.features.respond import run_operation
from bot.operations import Ambiguity, ParseFailure
from bot.routing.turn import Turn
from bot.service.context import Services
from bot.service.outcomes import Outcome
from bot.service.refdata import RefDataCache
from bot.store.state import Store
from bot.timebot import Timebot

TENANT = "tenant-1"
_ids = itertools.count(1)


def activity_json(
    text: str | None = None,
    *,
    value: Any = None,
    user: str = "user-1",
    name: str = "Ada Lovelace",
    tz: str | None = "Europe/Berlin",
    locale: str = "en-US",
    kind: str = "message",
    invoke_name: str | None = None,
    conversation_type: str = "personal",
    conversation_id: str = "a:personal-1",
    service_url: str = "http://127.0.0.1:9/",
    reply_to_id: str | None = None,
    tenant: str = TENANT,
) -> dict[str, Any]:
    """A Teams activity as Teams sends it (camelCase JSON)."""
    data: dict[str, Any] = {
        "type": kind,
        "id": f"act-{next(_ids)}",
        "timestamp": "2026-11-17T14:00:00.000Z",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": {"id": f"29:{user}", "name": name, "aadObjectId": user},
        "conversation": {"id": conversation_id, "conversationType": conversation_type, "tenantId": tenant},
        "recipient": {"id": "28:timebot", "name": "timebot"},
        "locale": locale,
        "channelData": {"tenant": {"id": tenant}},
        "entities": [{"type": "clientInfo", "locale": locale, "timezone": tz}] if tz else [],
    }
    if tz:
        data["localTimezone"] = tz
    if text is not None:
        data["text"] = text
    if value is not None:
        data["value"] = value
    if invoke_name:
        data["name"] = invoke_name
    if reply_to_id:
        data["replyToId"] = reply_to_id
    return data


class Harness:
    def __init__(self, engine: AsyncEngine, now: datetime) -> None:
        self.now = now
        clock = lambda: self.now  # noqa: E731 - a late-binding clock the test moves forward
        self.services = Services(store=Store(engine), refdata=RefDataCache(), clock=clock)
        self.bot = Timebot(self.services, LocalBackendFactory(engine, clock=clock))

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    async def say(self, text: str, **kw: Any) -> Outcome | Ambiguity | ParseFailure:
        turn = Turn(
            Activity.model_validate(activity_json(text, **kw)), self.services, self.bot.backends, "UTC"
        )
        ctx = await turn.user()
        assert ctx is not None
        return await run_operation(turn, parse(clean_text(text), ctx.parse_context), retry_command=text)

    async def turn(self, data: dict[str, Any]) -> TurnResult:
        return await self.bot.handle(Activity.model_validate(data))
