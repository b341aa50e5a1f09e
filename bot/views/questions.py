"""A write held back to ask first (`bot.service.checks` decides; `cards.questions` lays it out).

Datetimes are aware and in the user's zone. Each option carries the complete operation (JSON) its button runs;
the card adds Cancel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from bot.views.entries import EntryView

WriteAction = Literal["log", "start", "continue", "stop", "edit", "come", "go", "break"]
QuestionReason = Literal["soon", "reversed", "long", "overlap"]
OptionKind = Literal["now", "keep", "swap", "overnight", "after", "both"]


@dataclass(frozen=True)
class WriteOption:
    """One way on from a `WriteQuestion`: the complete operation its button runs and the span it records."""

    kind: OptionKind
    op: dict[str, Any] | None
    start: datetime | None = None  # local
    end: datetime | None = None


@dataclass(frozen=True)
class WriteQuestion:
    """A write held back until the person decides (`bot.service.checks`): why, what it would record, the
    entries it would overlap, and the options (the card adds Cancel)."""

    reason: QuestionReason
    action: WriteAction
    start: datetime  # local
    end: datetime | None
    today: date
    options: list[WriteOption]
    overlaps: list[EntryView] = field(default_factory=list)
    more_overlaps: int = 0
    now: datetime | None = None
