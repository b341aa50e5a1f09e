"""What the working-hours cards show: `cards.workinghours` lays these out, the service fills them.

Datetimes are aware and already in the user's zone; durations are whole seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from bot.i18n import Message

ClockState = Literal["out", "in", "break"]


@dataclass(frozen=True)
class Fix:
    """A button that repairs or completes something: its label (catalogue key + fields) and card verb."""

    label_key: str
    params: dict[str, str]
    verb: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Note:
    """A warning or a refusal: a catalogue sentence and the buttons that fix it."""

    key: str
    params: dict[str, str] = field(default_factory=dict)
    fixes: list[Fix] = field(default_factory=list)


@dataclass(frozen=True)
class ClockView:
    state: ClockState
    since: datetime | None  # clocked in since (state "in"), on a break since (state "break")
    day: date  # the day the worked time is of: today, or the earlier day a write went to
    worked_seconds: int  # that day: clocked minus breaks, up to now
    break_seconds: int
    first_in: datetime | None = None
    last_out: datetime | None = None
    today: date | None = None  # None: `day` is today


@dataclass(frozen=True)
class DayRow:
    day: date
    first_in: datetime | None
    last_out: datetime | None  # None while still clocked in
    worked_seconds: int
    break_seconds: int
    booked_seconds: int
    unassigned_seconds: int
    gaps: list[tuple[datetime, datetime]] = field(default_factory=list)


@dataclass(frozen=True)
class WeekRow:
    label: str  # ISO week, e.g. "2026-W47"
    start: date
    worked_seconds: int
    target_seconds: int

    @property
    def balance_seconds(self) -> int:
        return self.worked_seconds - self.target_seconds


@dataclass(frozen=True)
class HoursView:
    period_label: str | Message
    start: date
    end: date  # exclusive
    days: list[DayRow]
    worked_seconds: int
    break_seconds: int
    booked_seconds: int
    unassigned_seconds: int
    booked_outside_seconds: int  # booked time outside clocked working time (e.g. during a break)
    target_seconds: int
    weeks: list[WeekRow] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)
    partial: bool = False  # the period reaches into the future: the target counts the days up to today

    @property
    def balance_seconds(self) -> int:
        return self.worked_seconds - self.target_seconds
