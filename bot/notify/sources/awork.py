"""awork webhooks: set up in awork's UI (Settings → Integrations → Webhooks) with the URL and a custom auth
header we give; awork sends that header unchanged on every delivery and signs nothing, so the header is the
only authenticity check. awork retries a failed delivery up to 10 times and then pauses the webhook, so
duplicates are acknowledged (200) and change nothing. `eventType` is `<entity>_<added|updated|deleted>`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from adapters.awork import mapping as m
from bot.notify.changes import Event
from bot.notify.sources import Delivery, Parsed, Refused, change_of, json_object
from bot.notify.subscriptions import Endpoint

HEADER = "x-timebot-secret"  # the header name to enter in awork's webhook settings
ENTITIES: dict[str, str] = {"timetracking": "times", "project": "projects", "company": "clients",
                            "client": "clients", "task": "tasks", "project_task": "tasks"}  # fmt: skip
ACTIONS: dict[str, Event] = {"added": "created", "updated": "changed", "deleted": "deleted"}
MAPPERS: dict[str, Callable[[dict[str, Any], str], BaseModel]] = {
    "times": m.entry_from_awork,
    "projects": m.project_from_awork,
    "clients": m.client_from_awork,
    "tasks": m.task_from_awork,
}


def _event(event_type: str) -> tuple[str, Event] | None:
    kind, _, action = event_type.rpartition("_")
    entity = ENTITIES.get(kind)
    if entity is None or action not in ACTIONS:
        return None
    return entity, ACTIONS[action]


class AworkSource:
    backend = "awork"

    def verify(self, endpoint: Endpoint, delivery: Delivery) -> None:
        given = delivery.headers.get(HEADER, "")
        if not given or not hmac.compare_digest(given.strip().encode(), endpoint.secret.encode()):
            raise Refused(401, f"missing or wrong {HEADER} header")

    def parse(self, endpoint: Endpoint, delivery: Delivery) -> Parsed:
        body = json_object(delivery.body)
        event_type, entity_body = body.get("eventType"), body.get("entity")
        if not isinstance(event_type, str) or not isinstance(entity_body, dict):
            raise Refused(400, "no eventType or entity")
        kind = _event(event_type)
        if kind is None:
            return Parsed()  # absences, comments, …: accepted, not notified
        entity, event = kind
        try:
            model = MAPPERS[entity](entity_body, endpoint.workspace_id)
            occurred_at = datetime.fromisoformat(str(body["timestamp"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise Refused(400, f"malformed {entity}: {type(exc).__name__}") from None
        found = body.get("triggeredBy")
        who: dict[str, Any] = found if isinstance(found, dict) else {}
        name = " ".join(str(who.get(k) or "") for k in ("firstName", "lastName")).strip() or None
        entity_id = body.get("entityId") or entity_body.get("id")
        trace = body.get("traceId") or hashlib.sha256(delivery.body).hexdigest()
        change = change_of(
            self.backend,
            endpoint.workspace_id,
            event,
            model,
            key=f"awork:{endpoint.workspace_id}:{event_type}:{entity_id}:{trace}",
            occurred_at=occurred_at,
            actor_id=str(who["id"]) if who.get("id") else None,
            actor_name=name,
            url=body.get("entityLink") if isinstance(body.get("entityLink"), str) else None,
        )
        return Parsed(changes=[change])
