"""What a card shows, already resolved for display: names instead of ids, local times, whole seconds.

The service builds these from backend results; card builders only lay them out.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot.i18n import Message


class View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EntryView(View):
    id: str
    handle: int | None = None  # the `@N` a user can type to refer to it (1 = most recent)
    start: datetime  # aware, in the user's zone
    end: datetime | None = None  # None: running
    duration_seconds: int = Field(ge=0)
    project: str | None = None
    project_color: str | None = None
    client: str | None = None
    task: str | None = None
    tags: list[str] = Field(default_factory=list)
    note: str = ""
    billable: bool = False
    timezone: str = "UTC"
    zone_note: str | None = None  # the zone, when it is not the device's: shown next to the times

    @property
    def running(self) -> bool:
        return self.end is None


class EditOrigin(View):
    """The card an edit form came from, carried on its buttons so Cancel can bring that card back: a `times`
    list (`back`: its operation as JSON) or the echo of a write (`echo`: the action, `token`: its Undo)."""

    back: dict[str, Any] | None = None
    echo: str | None = None
    token: str | None = None

    def data(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class ProjectView(View):
    id: str
    name: str
    client: str | None = None
    billable: bool = False
    color: str | None = None
    done: bool = False


class NamedItem(View):
    """A row of a master-data list (client, task, tag) with an optional secondary line: `detail` (data, such
    as the client's name) then `marks` (catalogue words: "billable", "3 projects")."""

    id: str
    name: str
    detail: str | None = None
    marks: list[Message] = Field(default_factory=list)


class TotalsRow(View):
    label: str | Message  # a name, or the catalogue's word for "no project"
    seconds: int = Field(ge=0)
    billable_seconds: int = Field(default=0, ge=0)
    day: date | None = None  # a row per day: its date, which the card names ("Tue 17 Nov")


class SummaryView(View):
    period_label: str | Message  # e.g. "Today", "Week 47", "2026-11-01 – 2026-11-15"
    start: date
    end: date  # exclusive
    total_seconds: int = Field(ge=0)
    billable_seconds: int = Field(default=0, ge=0)
    by: str = "project"
    rows: list[TotalsRow] = Field(default_factory=list)  # grouped by `by`, largest first
    days: list[TotalsRow] = Field(default_factory=list)  # one per day of the period that had time
    entry_count: int = 0
    running: EntryView | None = None
    gaps_seconds: int | None = None  # untracked time between the first and last entry of a single day
    entries: list[EntryView] = Field(default_factory=list)  # a single day: its entries, earliest first
    more_entries: int = 0  # of that day, not in `entries`
    source: dict[str, Any] | None = None  # the `summary` operation (JSON): an entry's Edit brings it back


class Choice(View):
    label: str
    command: str  # the text command the button runs
