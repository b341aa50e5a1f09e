"""Grammar of working hours: come/go (aliases, German), break forms, hours periods, refusals."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.commands.parser import parse_strict
from bot.operations import Ambiguity, ClockIn, ClockOut, Hours, ParseContext, ParseFailure, TakeBreak

BERLIN = ZoneInfo("Europe/Berlin")
CTX = ParseContext(now=datetime(2026, 11, 17, 15, 0, tzinfo=BERLIN), tz=BERLIN)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 17, hour, minute, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("come", ClockIn()),
        ("in", ClockIn()),
        ("clock in", ClockIn()),
        ("kommen", ClockIn()),
        ("come at 8", ClockIn(at=at(8))),
        ("clock in at 08:15", ClockIn(at=at(8, 15))),
        ("kommen um 8:00", ClockIn(at=at(8))),
        ("go", ClockOut()),
        ("out", ClockOut()),
        ("clock out", ClockOut()),
        ("gehen", ClockOut()),
        ("go at 17:30", ClockOut(at=at(17, 30))),
        ("go 17", ClockOut(at=at(17))),
        ("break", TakeBreak()),
        ("pause", TakeBreak()),
        ("Pause", TakeBreak()),
        ("break start", TakeBreak(action="start")),
        ("break start at 12:00", TakeBreak(action="start", start=at(12))),
        ("break end", TakeBreak(action="end")),
        ("Pause Ende", TakeBreak(action="end")),
        ("pause beenden um 12:45", TakeBreak(action="end", end=at(12, 45))),
        ("break 30m", TakeBreak(action="insert", duration=timedelta(minutes=30))),
        ("break 30m at 12:00", TakeBreak(action="insert", start=at(12), end=at(12, 30))),
        ("break 12:00-12:30", TakeBreak(action="insert", start=at(12), end=at(12, 30))),
        ("Pause 12:00–12:30 Uhr", TakeBreak(action="insert", start=at(12), end=at(12, 30))),
        ("break 12:00-", TakeBreak(action="start", start=at(12))),
        ("break at 12", TakeBreak(action="start", start=at(12))),
    ],
)
def test_grammar(text: str, expected: object) -> None:
    assert parse_strict(text, CTX) == expected


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("hours", "2026-11-17", "2026-11-18", "Today"),
        ("hours week", "2026-11-16", "2026-11-23", "This week"),
        ("hours month", "2026-11-01", "2026-12-01", "This month"),
        ("hours last week", "2026-11-09", "2026-11-16", "Last week"),
        ("stunden gestern", "2026-11-16", "2026-11-17", None),
    ],
)
def test_hours_periods(text: str, start: str, end: str, label: str | None) -> None:
    op = parse_strict(text, CTX)
    assert isinstance(op, Hours)
    assert (op.period.start.isoformat(), op.period.end.isoformat()) == (start, end)
    if label:
        assert op.period.label == label


def test_break_yesterday_is_placed_by_the_service() -> None:
    op = parse_strict("break 15m yesterday", CTX)
    assert isinstance(op, TakeBreak) and op.day is not None and op.day.isoformat() == "2026-11-16"


def test_bare_number_break_asks_minutes_or_hours() -> None:
    asked = parse_strict("break 30", CTX)
    assert isinstance(asked, Ambiguity) and [c.command for c in asked.choices] == ["break 30m", "break 30h"]


@pytest.mark.parametrize(
    ("text", "key", "verb"),
    [
        ("come foo", "parse.unexpected", "come"),
        ("go @website", "parse.unexpected", "go"),
        ("break foo", "parse.unexpected", "break"),
        ("break 0m", "parse.zero_duration", "break"),
        ("hours foo", "parse.bad_period", "hours"),
        ("hours #tag", "parse.unexpected", "hours"),
    ],
)
def test_failures(text: str, key: str, verb: str) -> None:
    failed = parse_strict(text, CTX)
    assert isinstance(failed, ParseFailure) and failed.message_key == key and failed.verb == verb
