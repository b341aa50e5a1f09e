"""German verbs, periods, dates, durations and ranges (the parser reads them whatever the Teams locale)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.commands.parser import parse_strict
from bot.operations import (
    Help,
    ListTimes,
    LogEntry,
    ParseContext,
    ProjectRef,
    ShowForm,
    ShowSettings,
    StartTimer,
    StopTimer,
    Summary,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=BERLIN)  # a Wednesday
CTX = ParseContext(now=NOW, tz=BERLIN, locale="de-DE")
WEB = ProjectRef(path=["web"])


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("heute", date(2026, 11, 25), date(2026, 11, 26)),
        ("gestern", date(2026, 11, 24), date(2026, 11, 25)),
        ("Gestern", date(2026, 11, 24), date(2026, 11, 25)),
        ("diese Woche", date(2026, 11, 23), date(2026, 11, 30)),
        ("Woche", date(2026, 11, 23), date(2026, 11, 30)),
        ("letzte Woche", date(2026, 11, 16), date(2026, 11, 23)),
        ("Monat", date(2026, 11, 1), date(2026, 12, 1)),
        ("letzten Monat", date(2026, 10, 1), date(2026, 11, 1)),
        ("letzter Monat", date(2026, 10, 1), date(2026, 11, 1)),
    ],
)
def test_periods(text: str, start: date, end: date) -> None:
    result = parse_strict(text, CTX)
    assert isinstance(result, Summary)
    assert (result.period.start, result.period.end) == (start, end)


def test_period_labels_are_german() -> None:
    result = parse_strict("letzte Woche", CTX)
    assert isinstance(result, Summary) and result.period.label == "Letzte Woche"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "log 1,5 Std @web gestern",
            LogEntry(duration=timedelta(hours=1.5), day=date(2026, 11, 24), project=WEB),
        ),
        ("log 1,5 Std @web", LogEntry(duration=timedelta(hours=1.5), project=WEB)),
        ("log 1 Std 30 Min @web", LogEntry(duration=timedelta(minutes=90), project=WEB)),
        ("log 90 Minuten @web", LogEntry(duration=timedelta(minutes=90), project=WEB)),
        ("log 2 Stunden @web", LogEntry(duration=timedelta(hours=2), project=WEB)),
        ("log 45 Min. @web", LogEntry(duration=timedelta(minutes=45), project=WEB)),
        ("log 2h @web 20.11.", LogEntry(duration=timedelta(hours=2), day=date(2026, 11, 20), project=WEB)),
        ("log 1h @web am 20.11.", LogEntry(duration=timedelta(hours=1), day=date(2026, 11, 20), project=WEB)),
        (
            "log 1h @web 20.11.2026",
            LogEntry(duration=timedelta(hours=1), day=date(2026, 11, 20), project=WEB),
        ),
        ("log 14:00–15:30 Uhr @web", LogEntry(start=at(25, 14), end=at(25, 15, 30), project=WEB)),
        ("log 14–15:30 Uhr @web", LogEntry(start=at(25, 14), end=at(25, 15, 30), project=WEB)),
        (
            "log 14:00-15:30 Uhr @web 20.11.",
            LogEntry(start=at(20, 14), end=at(20, 15, 30), day=date(2026, 11, 20), project=WEB),
        ),
        ("buchen 1h @web", LogEntry(duration=timedelta(hours=1), project=WEB)),
        ("erfassen 1h @web", LogEntry(duration=timedelta(hours=1), project=WEB)),
        ("start @web um 9", StartTimer(project=WEB, at=at(25, 9))),
        ("start @web um 9 Uhr", StartTimer(project=WEB, at=at(25, 9))),
        ("starten @web", StartTimer(project=WEB)),
        ("stopp", StopTimer()),
        ("Stopp", StopTimer()),
        ("stoppen um 17 Uhr", StopTimer(at=at(25, 17))),
        ("hilfe", Help()),
        ("Hilfe", Help()),
        ("einstellungen", ShowSettings()),
        ("settings", ShowSettings()),
        ("log", ShowForm(form="log")),
        ("add", ShowForm(form="log")),
        ("buchen", ShowForm(form="log")),
    ],
)
def test_commands(text: str, expected: object) -> None:
    assert parse_strict(text, CTX) == expected


def test_times_with_german_periods_and_dates() -> None:
    result = parse_strict("zeiten letzte Woche", CTX)
    assert isinstance(result, ListTimes) and result.period.start == date(2026, 11, 16)
    result = parse_strict("zeiten 20.11.", CTX)
    assert isinstance(result, ListTimes) and result.period.start == date(2026, 11, 20)


def test_bare_log_with_arguments_still_needs_a_duration() -> None:
    assert parse_strict("log @web", CTX).kind == "parse_failure"  # type: ignore[union-attr]
    assert parse_strict("log 1h", CTX) == LogEntry(duration=timedelta(hours=1))
