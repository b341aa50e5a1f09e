"""Change notifications as the cards show them: one change (old → new per field), and a conversation's
subscriptions. Filled by `bot.notify.fanout` and `bot.service.subscriptions`, laid out by `cards.changes`.

Field values are JSON (they wait in the notification queue): text, bool, a list of names, or an ISO 8601
datetime for `start`/`end`, shown in `timezone`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

ENTITY_ORDER = ("clients", "projects", "tasks", "tags", "times", "feed")  # feed: posted feed events
EVENT_ORDER = ("created", "changed", "deleted")


class FieldChange(BaseModel):
    field: str  # name, project, task, start, end, billable, tags, client, done, color, archived
    old: Any = None
    new: Any = None


class ChangeView(BaseModel):
    change_id: int  # the stored change (its Undo button names it)
    backend: str
    entity: str  # clients | projects | tasks | tags | times
    event: str  # created | changed | deleted
    title: str = ""  # the entry's note or the entity's name
    actor: str | None = None  # who made it, by name
    path_parts: list[str] = Field(default_factory=list)  # client, project, task: the card joins them
    fields: list[FieldChange] = Field(default_factory=list)
    url: str | None = None  # Open in tracker
    undo: bool = False  # offer Undo (to the person who made it)
    occurred_at: datetime
    timezone: str = "UTC"


class SubscriptionRow(BaseModel):
    entity: str
    events: list[str]
    projects: list[str] = Field(default_factory=list)  # names; empty: all


class SubscriptionsView(BaseModel):
    backend: str
    workspace: str
    scope: str  # personal | groupChat | channel
    rows: list[SubscriptionRow] = Field(default_factory=list)
    may_change: bool = True
    setup: dict[str, str] | None = None  # webhook setup an admin must do in the tracker (awork): url, header
