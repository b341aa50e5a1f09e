"""timeghost webhooks (the connector's `register_webhook/{entity}` triggers).

The delivery is the entity itself (`TimesResponse`, `ProjectsResponse`, …) with `status` saying created,
updated or deleted; it is not signed. We register each trigger with Basic-auth credentials (`basicAuth`
in the trigger's config: user `timebot`, our secret as password) and require them on every delivery. The
entity comes from the path we registered (`?entity=` on the callback URL).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel

from adapters.timeghost import mapping as m
from bot.notify.changes import Event
from bot.notify.sources import Delivery, Parsed, Refused, change_of, json_object
from bot.notify.subscriptions import Endpoint

USER = "timebot"
STATUS: dict[str, Event] = {"created": "created", "updated": "changed", "changed": "changed",
                            "deleted": "deleted"}  # fmt: skip
MAPPERS: dict[str, Callable[[Mapping[str, Any], str], BaseModel]] = {
    "times": m.time_entry_from,
    "projects": m.project_from,
    "clients": m.client_from,
    "tasks": m.task_from,
    "tags": m.tag_from,
}
WEB = "https://app.timeghost.io"


def basic_auth(secret: str) -> tuple[str, str]:
    return USER, secret


class TimeghostSource:
    backend = "timeghost"

    def verify(self, endpoint: Endpoint, delivery: Delivery) -> None:
        scheme, _, value = delivery.headers.get("authorization", "").partition(" ")
        try:
            user, _, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user, password = "", ""
        expected = f"{USER}:{endpoint.secret}".encode()
        if scheme.lower() != "basic" or not hmac.compare_digest(f"{user}:{password}".encode(), expected):
            raise Refused(401, "missing or wrong Basic credentials")

    def parse(self, endpoint: Endpoint, delivery: Delivery) -> Parsed:
        body = json_object(delivery.body)
        entity = _query(delivery.url).get("entity", "")
        if entity not in MAPPERS:
            raise Refused(400, "unknown entity in the callback URL")
        status = str(body.get("status") or "").lower()
        event: Event | None = "deleted" if body.get("deleted") is True else STATUS.get(status)
        if event is None:
            raise Refused(400, "no created/updated/deleted status")
        try:
            model = MAPPERS[entity](body, endpoint.workspace_id)
        except (KeyError, TypeError, ValueError) as exc:
            raise Refused(400, f"malformed {entity}: {type(exc).__name__}") from None
        found = body.get("user")
        user: dict[str, Any] = found if isinstance(found, dict) else {}
        stamp = body.get("modified") or body.get("created") or hashlib.sha256(delivery.body).hexdigest()
        change = change_of(
            self.backend,
            endpoint.workspace_id,
            event,
            model,
            key=f"timeghost:{endpoint.workspace_id}:{entity}:{body.get('id')}:{event}:{stamp}",
            occurred_at=m.parse_time(body.get("modified")) or delivery.received_at,
            actor_id=m.ref_id(user) if user else None,
            actor_name=str(user["name"]) if user.get("name") else None,
            url=WEB,
        )
        return Parsed(changes=[change])


def _query(url: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(url).query))
