"""`report … timeghost`: timeghost's own Excel file (`POST /Create_Excel_Report`) with `report`'s parameters
mapped to the ones its definition declares; the default stays timebot's spreadsheet (issue 12).

The real bot runs against the timeghost fake, which checks every request against the definition (the
required `$filter-date-range` enum, `groupedByProject`, no undeclared parameter) and answers a real .xlsx."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl

from bot.service.outcomes import EntryChanged, Notice, Problem, ReportReady
from tests.conformance.harnesses import HARNESSES
from tests.support.bot_driver import BotDriver, bot_driver


def _excel_calls(fake: object) -> list[dict[str, str]]:
    return [q for _, path, q in fake.requests if path == "Create_Excel_Report"]  # type: ignore[attr-defined]


def _last_month(bot: BotDriver) -> date:
    today = datetime.now(ZoneInfo(bot.tz)).date()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


async def test_report_timeghost_gives_timeghosts_own_file_with_mapped_parameters(tmp_path: Path) -> None:
    async with HARNESSES["timeghost"](tmp_path) as harness, bot_driver(harness, tmp_path) as bot:
        first = _last_month(bot)
        assert isinstance(await bot.say("project add Website"), Notice)
        logged = await bot.say(f'log {(first + timedelta(days=2)).isoformat()} 9:00-10:00 @website "review"')
        assert isinstance(logged, EntryChanged)

        ready = await bot.say("report last month timeghost")
        assert isinstance(ready, ReportReady) and ready.made_by == "timeghost"
        assert ready.entries is None and ready.filename.startswith("timeghost_")
        rows = list(openpyxl.load_workbook(ready.path).active.iter_rows(values_only=True))
        assert rows[0][:3] == ("Project", "Description", "User") and rows[1][:2] == ("Website", "review")
        ready_text = bot.render(ready)["body"][0]["text"]
        readable = ready_text.replace("\u2060", "").replace("\u00a0", " ")  # the dates are kept whole
        assert readable == "timeghost's own Excel report for last month (1–30 Nov) is ready."
        assert "Der eigene Excel-Bericht von timeghost" in str(bot.render(ready, locale="de-DE"))
        (query,) = _excel_calls(harness.fake)
        start = datetime.combine(first, datetime.min.time(), ZoneInfo(bot.tz))
        assert query["$filter-date-range"] == "last_month" and query["groupedByProject"] == "false"
        assert query["startDate"].startswith(start.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M"))
        assert query["$filter-user"] == bot.backend.user.id

        grouped = await bot.say("report 2020-01-06..2020-01-08 timeghost by project all")
        assert isinstance(grouped, ReportReady)  # an empty period is still timeghost's file
        query = _excel_calls(harness.fake)[-1]
        assert query["groupedByProject"] == "true" and "$filter-user" not in query  # all: an admin's
        assert query["$filter-date-range"] == "today"  # no preset is that period: the dates overwrite it

        ours = await bot.say("report last month")  # the default: timebot's spreadsheet, as everywhere
        assert isinstance(ours, ReportReady) and ours.made_by is None and ours.entries == 1
        assert len(_excel_calls(harness.fake)) == 2


async def test_options_timeghosts_file_does_not_have_are_refused_by_name(tmp_path: Path) -> None:
    async with HARNESSES["timeghost"](tmp_path) as harness, bot_driver(harness, tmp_path) as bot:
        for command in (
            "report timeghost billable",
            "report timeghost round 15m",
            "report timeghost client:x",
        ):
            refused = await bot.say(command)
            assert isinstance(refused, Problem) and refused.key == "report.native_options", command
        text = str(bot.render(refused))
        assert "timeghost's own report has no project, client or billable filter" in text
        assert not _excel_calls(harness.fake)


async def test_the_setting_makes_timeghosts_file_the_default(tmp_path: Path) -> None:
    async with HARNESSES["timeghost"](tmp_path) as harness, bot_driver(harness, tmp_path) as bot:
        bot.services = dataclasses.replace(bot.services, native_reports=frozenset({"timeghost"}))
        made = await bot.say("report last month")
        assert isinstance(made, ReportReady) and made.made_by == "timeghost"
        ours = await bot.say("report last month timebot")
        assert isinstance(ours, Notice) and ours.key == "report.empty"  # timebot's: nothing logged
        assert len(_excel_calls(harness.fake)) == 1


async def test_other_trackers_say_they_have_no_such_file(tmp_path: Path) -> None:
    async with HARNESSES["toggl"](tmp_path) as harness, bot_driver(harness, tmp_path) as bot:
        refused = await bot.say("report timeghost")
        assert isinstance(refused, Problem) and refused.key == "error.unsupported"
        assert "Toggl Track doesn't support an Excel report of its own" in str(bot.render(refused))
