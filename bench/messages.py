"""The activities the bench sends: what Teams posts for a person typing in a 1:1 chat with the bot."""

from __future__ import annotations

import itertools
from typing import Any

TENANT = "bench-tenant"
_ids = itertools.count(1)


def message(user: int, text: str, service_url: str) -> dict[str, Any]:
    n = next(_ids)
    return {
        "type": "message",
        "id": f"bench-{user}-{n}",
        "timestamp": "2026-11-17T14:00:00.000Z",
        "localTimestamp": "2026-11-17T15:00:00.000+01:00",
        "localTimezone": "Europe/Berlin",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": {
            "id": f"29:bench-user-{user}",
            "name": f"Bench User {user}",
            "aadObjectId": f"aad-bench-{user}",
        },
        "recipient": {"id": "28:timebot", "name": "timebot"},
        "conversation": {
            "id": f"a:bench-personal-{user}",
            "conversationType": "personal",
            "tenantId": TENANT,
        },
        "channelData": {"tenant": {"id": TENANT}},
        "entities": [
            {
                "type": "clientInfo",
                "locale": "en-US",
                "country": "DE",
                "platform": "Web",
                "timezone": "Europe/Berlin",
            }
        ],
        "text": text,
        "textFormat": "plain",
        "locale": "en-US",
    }
