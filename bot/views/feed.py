"""What the feed cards show, already resolved for display (local times, names, seconds)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.i18n import Message


class View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FeedKeyView(View):
    name: str
    hint: str  # the key's last characters
    created_by: str
    created_at: datetime  # local
    last_used_at: datetime | None = None


class ProjectChoice(View):
    """A project (and task) an event can be booked to; `value` is what the card's picker sends back."""

    value: str  # "project_id" or "project_id/task_id"
    title: str


class Suggestion(View):
    value: str  # a `ProjectChoice.value`
    title: str
    reason: Literal["external", "category", "name", "project"]  # what it was learned from


class FeedEventView(View):
    source: str
    id: str
    name: str
    description: str = ""
    start: datetime  # local
    end: datetime
    duration_seconds: int = Field(ge=0)
    icon_url: str | None = None
    url: str | None = None
    category: str | None = None
    suggestion: Suggestion | None = None

    @property
    def key(self) -> str:
        return f"{self.source}:{self.id}"


class FeedDay(View):
    day: date
    events: list[FeedEventView]


class FeedView(View):
    period_start: date
    period_end: date
    period_name: Message  # "Today", "Week 47": rendered in the reader's language
    days: list[FeedDay] = Field(default_factory=list)
    projects: list[ProjectChoice] = Field(default_factory=list)  # what the pickers offer (recent first)
    can_book: bool = True  # False in a channel post: the event is someone else's
    notice_key: str | None = None  # after a booking: what happened (a catalogue key and its fields)
    notice_params: dict[str, str] = Field(default_factory=dict)
    undo_token: str | None = None  # the booking's undo, with the event it booked
    undo_event: tuple[str, str] | None = None

    @property
    def count(self) -> int:
        return sum(len(d.events) for d in self.days)
