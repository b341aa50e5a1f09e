"""What the reminder cards show, already resolved for display (local times, names, seconds)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.views.entries import EntryView


class View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TimerReminderView(View):
    """A timer still running at the end of the day or for longer than the person's limit."""

    entry: EntryView
    reason: Literal["end_of_day", "long"]
    end_of_day: time
    limit_hours: int
    stop_at: datetime | None = None  # the suggested stop (last activity or end of day), if in the past


class DayNudgeView(View):
    """A workday ending with nothing (or far too little) booked."""

    day: date
    booked_seconds: int = Field(ge=0)
    clocked_seconds: int | None = None
    copy_from: date | None = None  # the last earlier day with entries, for "Log like yesterday"
    feed_events: int = 0  # open feed events that day, for "Book from feed"
