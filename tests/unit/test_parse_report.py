"""`report [PERIOD] [project…] [client:…] [user:…|me|all] [by project] [billable] [round N up]` → `Report`."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.commands.parser import parse_strict
from bot.operations import ParseContext, ParseFailure, ProjectRef, Report

BERLIN = ZoneInfo("Europe/Berlin")
CTX = ParseContext(now=datetime(2026, 11, 17, 15, 0, tzinfo=BERLIN), tz=BERLIN)


def report(text: str) -> Report:
    result = parse_strict(text, CTX)
    assert isinstance(result, Report), result
    return result


def test_defaults_this_month_me_ungrouped() -> None:
    op = report("report")
    assert (op.period.start, op.period.end) == (date(2026, 11, 1), date(2026, 12, 1))
    assert op.users == "me" and not op.by_project and op.projects == [] and op.client is None
    assert op.billable is None and op.rounding_minutes is None


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("report last month", date(2026, 10, 1), date(2026, 11, 1)),
        ("report letzten monat", date(2026, 10, 1), date(2026, 11, 1)),
        ("report week", date(2026, 11, 16), date(2026, 11, 23)),
        ("report 2026-09", date(2026, 9, 1), date(2026, 10, 1)),
        ("report 2026-11-01..2026-11-15", date(2026, 11, 1), date(2026, 11, 16)),
        ("report all time", date(1970, 1, 1), date(2026, 11, 18)),
        ("bericht oktober", date(2026, 10, 1), date(2026, 11, 1)),
    ],
)
def test_periods(text: str, start: date, end: date) -> None:
    op = report(text)
    assert op.period.end == end
    if start != date(1970, 1, 1):
        assert op.period.start == start


def test_everything_together() -> None:
    op = report(
        'report last month @website @acme/intranet client:Acme user:ada user:"Grace Hopper" by project'
    )
    assert op.projects == [ProjectRef(path=["website"]), ProjectRef(path=["acme", "intranet"])]
    assert op.client == "Acme" and op.users == ["ada", "Grace Hopper"] and op.by_project


@pytest.mark.parametrize(
    ("text", "users"),
    [
        ("report all", "all"),
        ("report last month everyone", "all"),
        ("report me", "me"),
        ("report alle", "all"),
    ],
)
def test_users_words(text: str, users: str) -> None:
    assert report(text).users == users


def test_all_alone_is_everyone_but_all_time_is_a_period() -> None:
    assert report("report all").period.start == date(2026, 11, 1)
    op = report("report all time all")
    assert op.users == "all" and op.period.end == date(2026, 11, 18)


def test_free_words_name_a_project() -> None:
    assert report("report last month website").projects == [ProjectRef(path=["website"])]
    assert report("report for acme/website").projects == [ProjectRef(path=["acme", "website"])]


@pytest.mark.parametrize(
    ("text", "billable"),
    [("report billable", True), ("report $", True), ("report nonbillable", False), ("report", None)],
)
def test_billable_filter(text: str, billable: bool | None) -> None:
    assert report(text).billable is billable


@pytest.mark.parametrize(
    ("text", "minutes", "kind"),
    [
        ("report round 15m up", 15, "up"),
        ("report rounded to 6 min", 6, "nearest"),
        ("report round 30 down", 30, "down"),
        ("report grouped by project round 15 nearest", 15, "nearest"),
    ],
)
def test_rounding(text: str, minutes: int, kind: str) -> None:
    op = report(text)
    assert (op.rounding_minutes, op.rounding_type) == (minutes, kind)


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("report last month timeghost", "backend"),
        ("report timeghost by project all", "backend"),
        ("report Timebot", "timebot"),
        ("report last month", None),
    ],
)
def test_whose_file(text: str, source: str | None) -> None:
    op = report(text)
    assert op.source == source and op.projects == []


@pytest.mark.parametrize(
    "text",
    [
        "report timeghost timebot",
        "report by client",  # only project grouping exists in the report
        "report #meeting",
        "report user:ada all",
        "report client:a client:b",
        "report @3",
        "report round 0 up",
        "report user: ada",
    ],
)
def test_refusals(text: str) -> None:
    result = parse_strict(text, CTX)
    assert isinstance(result, ParseFailure), result
    assert result.verb == "report"
