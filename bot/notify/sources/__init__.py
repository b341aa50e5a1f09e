"""Where changes come from: each backend's webhook format (verified, then mapped to `Change`), the local
backend's outbox relay, and the Toggl Focus poller.

A webhook source is pure: `verify` checks the delivery's authenticity from its headers and raw body (and
raises `Refused`), `parse` maps the body to changes with the backend's own adapter mapping (so ids and
fields mean what they mean everywhere else). Neither calls the backend: the intake answers fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel

from adapters.models import Client, Project, Tag, Task, TimeEntry
from bot.notify.changes import Change, Entity, Event
from bot.notify.subscriptions import Endpoint


class Refused(Exception):
    """A delivery we do not accept: `status` 401 (not authentic, replayed) or 400 (malformed)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Delivery:
    """One webhook request as received: lower-cased headers, the raw body, the URL it was sent to."""

    headers: Mapping[str, str]
    body: bytes
    url: str
    received_at: datetime


@dataclass
class Parsed:
    changes: list[Change] = field(default_factory=list)
    answer: dict[str, Any] | None = None  # a body the sender expects (Toggl's validation ping)
    validated: bool = False  # the delivery proved the endpoint works (mark it validated)


class WebhookSource(Protocol):
    backend: str

    def verify(self, endpoint: Endpoint, delivery: Delivery) -> None: ...

    def parse(self, endpoint: Endpoint, delivery: Delivery) -> Parsed: ...


def fields_of(model: BaseModel) -> dict[str, Any]:
    """A domain object's state as stored on a change (JSON; what the cards compare old → new)."""
    data = model.model_dump(mode="json")
    data.pop("workspace_id", None)
    return data


def entity_of(model: BaseModel) -> Entity:
    match model:
        case TimeEntry():
            return "times"
        case Project():
            return "projects"
        case Task():
            return "tasks"
        case Client():
            return "clients"
        case Tag():
            return "tags"
    raise TypeError(f"not a tracker entity: {type(model).__name__}")


def change_of(
    backend: str,
    workspace_id: str,
    event: Event,
    model: BaseModel,
    *,
    key: str,
    occurred_at: datetime,
    actor_id: str | None = None,
    actor_name: str | None = None,
    url: str | None = None,
    before: dict[str, Any] | None = None,
) -> Change:
    entity_id = str(getattr(model, "id", ""))
    owner = getattr(model, "user_id", None) if isinstance(model, TimeEntry) else None
    return Change(
        backend=backend,
        workspace_id=workspace_id,
        entity=entity_of(model),
        event=event,
        entity_id=entity_id,
        key=key[:255],
        occurred_at=occurred_at,
        actor_id=actor_id,
        actor_name=actor_name,
        owner_id=owner,
        fields=fields_of(model),
        before=before,
        url=url,
    )


def json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, or `Refused(400)`."""
    import json

    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        raise Refused(400, "body is not JSON") from None
    if not isinstance(value, dict):
        raise Refused(400, "body is not a JSON object")
    return value
