"""Toggl Track Webhooks API v1 deliveries.

Every delivery is signed: `X-Webhook-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw body keyed
with the subscription's secret (ours: we pass it when subscribing). `timestamp` is the send time of this
attempt (a retry has a new one), so an old timestamp is a replay; the intake also refuses a signature it
has seen before. A PING carries `validation_code`: answering it with `{"validation_code": …}` validates
the subscription synchronously. Events name their model and action in `metadata`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from pydantic import BaseModel

from adapters.toggl import mapping as m
from bot.notify.changes import Event
from bot.notify.sources import Delivery, Parsed, Refused, change_of, json_object
from bot.notify.subscriptions import Endpoint

SIGNATURE = "x-webhook-signature-256"
TOLERANCE = timedelta(minutes=5)  # Toggl's docs suggest about a minute; clocks and queues need more
ENTITIES = {"time_entry": "times", "project": "projects", "client": "clients", "task": "tasks", "tag": "tags"}
EVENT_FILTER = {v: k for k, v in ENTITIES.items()}  # our entity → Toggl's `entity` in an event filter
ACTIONS: dict[str, Event] = {"created": "created", "updated": "changed", "deleted": "deleted"}
MAPPERS: dict[str, Callable[[Mapping[str, Any]], BaseModel]] = {
    "time_entry": lambda wire: m.entry_from(wire, "UTC"),
    "project": m.project_from,
    "client": m.client_from,
    "task": m.task_from,
    "tag": m.tag_from,
}
WEB = "https://track.toggl.com"


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class TogglSource:
    backend = "toggl"

    def verify(self, endpoint: Endpoint, delivery: Delivery) -> None:
        given = delivery.headers.get(SIGNATURE, "")
        if not given or not hmac.compare_digest(given.strip(), signature(endpoint.secret, delivery.body)):
            raise Refused(401, "missing or wrong X-Webhook-Signature-256")
        body = json_object(delivery.body)
        sent = body.get("timestamp")
        try:
            sent_at = m.parse_time(sent)
        except (KeyError, TypeError, ValueError):
            raise Refused(400, "no valid timestamp") from None
        if abs(delivery.received_at - sent_at) > TOLERANCE:
            raise Refused(401, "timestamp outside the replay window")
        expected = endpoint.remote.get("url")
        if expected and body.get("url_callback") not in (None, expected):
            raise Refused(401, "url_callback is not this endpoint")
        sid = endpoint.remote.get("subscription_id")
        if sid and str(body.get("subscription_id")) != str(sid):
            raise Refused(401, "subscription_id is not this endpoint's")

    def parse(self, endpoint: Endpoint, delivery: Delivery) -> Parsed:
        body = json_object(delivery.body)
        payload = body.get("payload")
        if payload == "ping":
            code = body.get("validation_code")
            answer = {"validation_code": code} if isinstance(code, str) and code else None
            return Parsed(answer=answer, validated=True)
        metadata = body.get("metadata")
        if not isinstance(payload, dict) or not isinstance(metadata, dict):
            raise Refused(400, "no payload or metadata")
        model, action = metadata.get("model"), metadata.get("action")
        if model not in MAPPERS or action not in ACTIONS:
            return Parsed()  # an event kind we do not notify about (workspace users, …): accepted, ignored
        wire = {**payload, "workspace_id": payload.get("workspace_id") or endpoint.workspace_id}
        if str(wire["workspace_id"]) != endpoint.workspace_id:
            raise Refused(401, "the event is from another workspace")
        try:
            entity = MAPPERS[model](wire)
        except (KeyError, TypeError, ValueError) as exc:
            raise Refused(400, f"malformed {model}: {type(exc).__name__}") from None
        event_id = body.get("event_id")
        if event_id in (None, ""):
            raise Refused(400, "no event_id")
        actor = metadata.get("event_user_id") or body.get("creator_id")
        url = f"{WEB}/timer" if model == "time_entry" else f"{WEB}/projects/{endpoint.workspace_id}/list"
        change = change_of(
            self.backend,
            endpoint.workspace_id,
            ACTIONS[action],
            entity,
            key=f"toggl:{endpoint.workspace_id}:{event_id}",
            occurred_at=m.parse_time(body.get("created_at") or body["timestamp"]),
            actor_id=str(actor) if actor else None,
            url=url,
        )
        return Parsed(changes=[change])
