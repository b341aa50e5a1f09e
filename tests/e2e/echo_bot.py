"""A bare Bot Framework echo bot (aiohttp only) to explore and smoke-test the Agents Playground.

`python tests/e2e/echo_bot.py PORT` serves POST /api/messages and GET /healthz on 127.0.0.1:PORT.
A message "card …" is answered with an Adaptive Card, anything else with "echo: <text>". Replies go
back through the activity's serviceUrl, as Teams expects (the Playground's mock connector).
"""

from __future__ import annotations

import sys
import uuid
from typing import Any

import aiohttp
from aiohttp import web


def _reply(activity: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "id": str(uuid.uuid4()),
        "from": activity.get("recipient"),
        "recipient": activity.get("from"),
        "conversation": activity.get("conversation"),
        "replyToId": activity.get("id"),
        "channelId": activity.get("channelId"),
        **fields,
    }


def _card(text: str) -> dict[str, Any]:
    return {
        "contentType": "application/vnd.microsoft.card.adaptive",
        "content": {
            "type": "AdaptiveCard",
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": "1.5",
            "body": [
                {"type": "TextBlock", "text": "Echo card", "weight": "Bolder", "size": "Medium"},
                {"type": "TextBlock", "text": text, "wrap": True},
                {"type": "FactSet", "facts": [{"title": "Project", "value": "Website"}]},
            ],
            "actions": [{"type": "Action.Submit", "title": "Press me", "data": {"verb": "pressed"}}],
        },
    }


async def messages(request: web.Request) -> web.Response:
    activity = await request.json()
    if activity.get("type") == "message":
        text = (activity.get("text") or "").strip()
        value = activity.get("value")
        if value:
            reply = _reply(activity, text=f"submitted: {value}")
        elif text.lower().startswith("card"):
            reply = _reply(activity, attachments=[_card(text)])
        else:
            reply = _reply(activity, text=f"echo: {text}")
        service_url = activity["serviceUrl"].rstrip("/")
        conversation = activity["conversation"]["id"]
        url = f"{service_url}/v3/conversations/{conversation}/activities/{activity['id']}"
        async with aiohttp.ClientSession() as session, session.post(url, json=reply) as resp:
            resp.raise_for_status()
    return web.Response(status=200)


async def healthz(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def make_app() -> web.Application:
    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    return app


if __name__ == "__main__":
    web.run_app(make_app(), host="127.0.0.1", port=int(sys.argv[1]), print=None)
