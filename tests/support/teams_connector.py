"""A fake Bot Connector that behaves like Teams towards a bot that posts on its own.

On top of `FakeConnector` (records every request): Teams' documented rate limits per bot and conversation
(7 per 1 s, 60 per 30 s, 1,800 per hour), per app (`overall`, 50 per second) and, if given, per app per tenant
(`per_tenant`, the tenant read from the activity's `conversation.tenantId`) — a send over a limit is
answered 429 with `Retry-After` (whole seconds, as Teams does) and does not count; conversations the bot was
removed from answer 403 (`BotNotInConversationRoster`); unknown activity ids answer 404 on update. It keeps
what each conversation shows (`conversations[id][activity_id]` = the latest activity JSON).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from collections.abc import Sequence

from aiohttp import web

from tests.support.fake_connector import FakeConnector

TEAMS_PER_CONVERSATION: tuple[tuple[int, float], ...] = ((7, 1.0), (60, 30.0), (1800, 3600.0))
TEAMS_OVERALL: tuple[tuple[int, float], ...] = ((50, 1.0),)


class _Windows:
    def __init__(self, windows: Sequence[tuple[int, float]]) -> None:
        self.windows = tuple(windows)
        self.longest = max((p for _n, p in self.windows), default=0.0)
        self.stamps: deque[float] = deque()

    def wait(self, now: float) -> float:
        """0 if a call fits now, else the seconds until it would."""
        while self.stamps and self.stamps[0] <= now - self.longest:
            self.stamps.popleft()
        delay = 0.0
        for max_calls, period in self.windows:
            if len(self.stamps) >= max_calls:
                oldest = self.stamps[-max_calls]
                if oldest > now - period:
                    delay = max(delay, oldest + period - now)
        return delay


class TeamsConnector(FakeConnector):
    def __init__(
        self,
        *,
        per_conversation: Sequence[tuple[int, float]] = TEAMS_PER_CONVERSATION,
        overall: Sequence[tuple[int, float]] = TEAMS_OVERALL,
        per_tenant: Sequence[tuple[int, float]] = (),
        record: bool = True,
    ) -> None:
        super().__init__(record=record)
        self._per_conversation = tuple(per_conversation)
        self._overall = _Windows(overall)
        self._per_tenant = tuple(per_tenant)
        self._windows: dict[str, _Windows] = {}
        self._tenants: dict[str, _Windows] = {}
        self.gone: set[str] = set()  # conversation ids the bot was removed from
        self.conversations: dict[str, dict[str, dict]] = defaultdict(dict)
        self.throttled = 0  # 429s answered
        self.refused: list[tuple[str, str]] = []  # (conversation, which limits) of each 429
        self.accepted: list[tuple[float, str, str, str]] = []  # (monotonic time, method, conversation, id)

    def _admit(self, conversation: str, body: object = None) -> web.Response | None:
        if conversation in self.gone:
            return web.json_response(
                {
                    "error": {
                        "code": "BotNotInConversationRoster",
                        "message": "The bot is not part of the roster",
                    }
                },
                status=403,
            )
        now = time.monotonic()
        mine = self._windows.setdefault(conversation, _Windows(self._per_conversation))
        tenant = self._tenants.setdefault(_tenant_of(body), _Windows(self._per_tenant))
        waits = {"conversation": mine.wait(now), "app": self._overall.wait(now), "tenant": tenant.wait(now)}
        delay = max(waits.values())
        if delay > 0:
            self.throttled += 1
            self.refused.append((conversation, ",".join(k for k, v in waits.items() if v > 0)))
            return web.json_response(
                {"error": {"code": "ThrottledRequest", "message": "Too many requests"}},
                status=429,
                headers={"Retry-After": str(max(1, math.ceil(delay)))},
            )
        mine.stamps.append(now)
        self._overall.stamps.append(now)
        tenant.stamps.append(now)
        return None

    async def _post_activity(self, request: web.Request) -> web.Response:
        rec, failure = await self._record(request)
        if failure is not None:
            return failure
        conversation = rec.conversation_id or ""
        refused = self._admit(conversation, rec.json)
        if refused is not None:
            return refused
        new_id = self._new_id()
        self.conversations[conversation][new_id] = rec.json
        self.accepted.append((time.monotonic(), "POST", conversation, new_id))
        return web.json_response({"id": new_id}, status=201)

    async def _put_activity(self, request: web.Request) -> web.Response:
        rec, failure = await self._record(request)
        if failure is not None:
            return failure
        conversation, activity = rec.conversation_id or "", rec.activity_id or ""
        refused = self._admit(conversation, rec.json)
        if refused is not None:
            return refused
        if activity not in self.conversations.get(conversation, {}):
            return web.json_response(
                {"error": {"code": "ActivityNotFound", "message": "not found"}}, status=404
            )
        self.conversations[conversation][activity] = rec.json
        self.accepted.append((time.monotonic(), "PUT", conversation, activity))
        return web.json_response({"id": activity}, status=200)

    def posts(self, conversation: str | None = None) -> list[tuple[float, str, str, str]]:
        return [a for a in self.accepted if a[1] == "POST" and (conversation is None or a[2] == conversation)]

    def delete_activity(self, conversation: str, activity: str) -> None:
        """Someone deleted the bot's message in Teams."""
        self.conversations[conversation].pop(activity, None)


def _tenant_of(body: object) -> str:
    conversation = body.get("conversation") if isinstance(body, dict) else None
    tenant = conversation.get("tenantId") if isinstance(conversation, dict) else None
    return tenant if isinstance(tenant, str) else ""
