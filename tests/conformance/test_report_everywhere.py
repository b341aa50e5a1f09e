"""Issue 12: `report last month` gives the same spreadsheet on every backend.

The same person logs the same entries through the real bot on each backend (parser → service → adapter →
fake), then asks for last month's report, plain, grouped by project, and billable only. Each workbook is read
back with openpyxl and must equal the one written down here, cell by cell: same columns, same order, same
durations and totals — whether the entries came from SQL, the Reports API's pages, paged list reads or
timeghost's windows. The fakes' small pages make every remote read span several pages.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from bot.service.outcomes import EntryChanged, Notice, ReportReady
from tests.conformance.harnesses import HARNESSES, PARAMS
from tests.support.bot_driver import bot_driver

Rows = list[tuple[Any, ...]]
HEADER = ("Date", "Start", "End", "Duration", "Client", "Project", "Task", "Description")


def _last_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


@dataclass
class Reports:
    first: date  # the first day of last month, in the person's zone
    plain: Rows
    grouped: Rows
    billable: Rows


def _rows(outcome: Any) -> Rows:
    assert isinstance(outcome, ReportReady), outcome
    sheet = openpyxl.load_workbook(outcome.path).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


async def _reports(kind: str, tmp_path: Path) -> Reports:
    async with HARNESSES[kind](tmp_path) as harness, bot_driver(harness, tmp_path) as bot:
        first = _last_month(datetime.now(ZoneInfo(bot.tz)).date())
        before = _last_month(first)
        day = {n: (first + timedelta(days=n - 1)).isoformat() for n in (2, 3, 15, 28)}
        for command in ("project add Website", "project add Internal"):
            assert isinstance(await bot.say(command), Notice), command
        for command in (
            f'log {day[15]} 11:00-12:00 "email"',  # no project
            f'log {day[2]} 9:00-10:30 @website "header =1+2"',
            f'log {day[28]} 16:00-17:15 @internal "retro" $',
            f'log {day[3]} 13:00-13:50 @internal "planning"',
            f'log {day[15]} 9:00-9:20 @website "review" $',
            f'log {day[2]} 8:00-8:45 @website "early"',
            f'log {before.isoformat()} 9:00-10:00 @website "the month before"',
            'log 10m @website "today"',
        ):
            assert isinstance(await bot.say(command), EntryChanged), command
        return Reports(
            first,
            _rows(await bot.say("report last month")),
            _rows(await bot.say("report last month by project")),
            _rows(await bot.say("report last month billable")),
        )


@pytest.fixture(scope="module", params=PARAMS)
def reports(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Reports:
    return asyncio.run(_reports(request.param, tmp_path_factory.mktemp(request.param)))


def _at(first: date, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(first + timedelta(days=day - 1), datetime.min.time()).replace(
        hour=hour, minute=minute
    )


def _entry(
    first: date, day: int, start: tuple[int, int], end: tuple[int, int], project: str | None, note: str
) -> tuple[Any, ...]:
    begin, finish = _at(first, day, *start), _at(first, day, *end)
    midnight = _at(first, day, 0)
    return (midnight, begin, finish, finish - begin, None, project, None, note)


def test_plain_report_is_the_same_everywhere(reports: Reports) -> None:
    f = reports.first
    assert reports.plain == [
        HEADER,
        _entry(f, 2, (8, 0), (8, 45), "Website", "early"),
        _entry(f, 2, (9, 0), (10, 30), "Website", "header =1+2"),
        _entry(f, 3, (13, 0), (13, 50), "Internal", "planning"),
        _entry(f, 15, (9, 0), (9, 20), "Website", "review"),
        _entry(f, 15, (11, 0), (12, 0), None, "email"),
        _entry(f, 28, (16, 0), (17, 15), "Internal", "retro"),
        ("Total", None, None, timedelta(minutes=45 + 90 + 50 + 20 + 60 + 75), None, None, None, None),
    ]


def test_grouped_report_is_the_same_everywhere(reports: Reports) -> None:
    f = reports.first
    group = (None,) * 7
    assert reports.grouped == [
        HEADER,
        ("Internal", *group),
        _entry(f, 3, (13, 0), (13, 50), "Internal", "planning"),
        _entry(f, 28, (16, 0), (17, 15), "Internal", "retro"),
        ("Total Internal", None, None, timedelta(minutes=125), None, None, None, None),
        (None,) * 8,
        ("Website", *group),
        _entry(f, 2, (8, 0), (8, 45), "Website", "early"),
        _entry(f, 2, (9, 0), (10, 30), "Website", "header =1+2"),
        _entry(f, 15, (9, 0), (9, 20), "Website", "review"),
        ("Total Website", None, None, timedelta(minutes=155), None, None, None, None),
        (None,) * 8,
        ("(no project)", *group),
        _entry(f, 15, (11, 0), (12, 0), None, "email"),
        ("Total (no project)", None, None, timedelta(minutes=60), None, None, None, None),
        (None,) * 8,
        ("Total", None, None, timedelta(minutes=340), None, None, None, None),
    ]


def test_billable_report_is_the_same_everywhere(reports: Reports) -> None:
    f = reports.first
    assert reports.billable == [
        HEADER,
        _entry(f, 15, (9, 0), (9, 20), "Website", "review"),
        _entry(f, 28, (16, 0), (17, 15), "Internal", "retro"),
        ("Total", None, None, timedelta(minutes=95), None, None, None, None),
    ]
