"""The times Excel report through parser → service → local backend → spreadsheet, read back with openpyxl.

Clock: Tue 17 Nov 2026 15:00 in Berlin. Ada (user-1) is the workspace's first user, so its admin; Grace
(user-2) is a member.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from adapters.models import TimeEntryDraft
from bot.activity import Activity
from bot.commands import parse
from bot.features.respond import run_operation
from bot.operations import Report
from bot.routing.turn import Turn
from bot.service.outcomes import EntryChanged, Notice, Problem, ReportReady
from tests.support.harness import Harness, activity_json

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 17, 15, 0, tzinfo=BERLIN)
GRACE = {"user": "user-2", "name": "Grace Hopper"}


@pytest.fixture
async def h(engine) -> Harness:
    harness = Harness(engine, NOW)
    for command in (
        "client add Acme",
        "project add Website client:Acme billable",
        "project add Internal",
        "task add website/Design",
        "log 2026-11-02 9:00-10:30 @website/design header =1+2",  # a formula-looking note stays text
        "log 2026-11-03 13:00-13:50 @internal planning",
        "log 2026-11-16 9:00-9:20 @website review",
        "log 2026-10-30 9:00-10:00 @internal last month",
    ):
        expected = Notice if " add " in f" {command} " else EntryChanged
        assert isinstance(await harness.say(command), expected), command
    grace = await harness.say("log 2026-11-04 10:00-11:00 @internal grace's", **GRACE)
    assert isinstance(grace, EntryChanged)
    return harness


async def run(h: Harness, op_text: str, *, user: dict[str, str] | None = None, **changes: Any) -> Any:
    """Parse `op_text` as that user, apply card-only `changes` (columns, …) and run it."""
    turn = Turn(
        Activity.model_validate(activity_json(op_text, **(user or {}))), h.services, h.bot.backends, "UTC"
    )
    ctx = await turn.user()
    assert ctx is not None
    op = parse(op_text, ctx.parse_context)
    assert isinstance(op, Report), op
    return await run_operation(turn, op.model_copy(update=changes), retry_command=op_text)


def sheet(outcome: Any) -> tuple[Any, list[tuple[Any, ...]]]:
    assert isinstance(outcome, ReportReady), outcome
    assert outcome.path.exists() and outcome.filename.endswith(".xlsx")
    ws = openpyxl.load_workbook(outcome.path).active
    return ws, [tuple(row) for row in ws.iter_rows(values_only=True)]


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute)


async def test_plain_report_has_typed_cells_totals_and_layout(h: Harness) -> None:
    outcome = await h.say("report")
    ws, rows = sheet(outcome)
    assert isinstance(outcome, ReportReady) and outcome.entries == 3
    assert rows[0] == ("Date", "Start", "End", "Duration", "Client", "Project", "Task", "Description")
    assert rows[1] == (
        datetime(2026, 11, 2),
        local(2, 9),
        local(2, 10, 30),
        timedelta(minutes=90),
        "Acme",
        "Website",
        "Design",
        "header =1+2",
    )
    assert [r[1] for r in rows[1:4]] == [local(2, 9), local(3, 13), local(16, 9)]  # by start
    assert rows[-1][0] == "Total" and rows[-1][3] == timedelta(minutes=90 + 50 + 20)
    assert outcome.total_seconds == (90 + 50 + 20) * 60
    assert ws.freeze_panes == "A2"
    assert ws["D2"].number_format == "[h]:mm" and ws["A2"].number_format == "yyyy-mm-dd"
    assert ws["A2"].is_date and ws["B2"].is_date and ws["C2"].is_date
    assert ws.auto_filter.ref == "A1:H4"
    assert ws.column_dimensions["H"].width >= 14 and ws.column_dimensions["B"].width >= 16
    assert ws["H2"].data_type == "s"  # "=1+2" never became a formula
    assert "Last month" not in str(rows) and "grace's" not in str(rows)  # other period, other person


async def test_grouped_by_project_with_subtotals(h: Harness) -> None:
    _, rows = sheet(await h.say("report by project"))
    labels = [r[0] for r in rows if isinstance(r[0], str)]
    assert labels == [
        "Date",
        "Internal",
        "Total Internal",
        "Acme / Website",
        "Total Acme / Website",
        "Total",
    ]
    totals = {r[0]: r[3] for r in rows if isinstance(r[0], str) and r[0].startswith("Total")}
    assert totals == {
        "Total Internal": timedelta(minutes=50),
        "Total Acme / Website": timedelta(minutes=110),
        "Total": timedelta(minutes=160),
    }


async def test_rounding_changes_durations_only(h: Harness) -> None:
    _, up = sheet(await h.say("report round 15m up"))
    assert [r[3] for r in up[1:4]] == [timedelta(minutes=90), timedelta(minutes=60), timedelta(minutes=30)]
    assert up[2][1:3] == (local(3, 13), local(3, 13, 50))  # start/end stay as recorded
    _, down = sheet(await h.say("report round 15 down"))
    assert [r[3] for r in down[1:4]] == [timedelta(minutes=90), timedelta(minutes=45), timedelta(minutes=15)]
    _, nearest = sheet(await h.say("report rounded to 30 min"))
    assert [r[3] for r in nearest[1:4]] == [
        timedelta(minutes=90),
        timedelta(minutes=60),
        timedelta(minutes=30),
    ]
    assert nearest[-1][3] == timedelta(minutes=180)
    _, nearest = sheet(await h.say("report round 60"))  # 20 min is under half an hour: rounds to nothing
    assert [r[3] for r in nearest[1:4]] == [timedelta(minutes=120), timedelta(minutes=60), timedelta(0)]


async def test_column_selection_and_author(h: Harness) -> None:
    _, rows = sheet(await run(h, "report", columns=["author", "description", "project_description"]))
    assert rows[0] == ("Date", "Start", "End", "Duration", "Project description", "Description", "Author")
    assert rows[1][5:] == ("header =1+2", "Ada Lovelace")


async def test_filters_project_client_billable(h: Harness) -> None:
    _, rows = sheet(await h.say("report @internal"))
    assert [r[7] for r in rows[1:-1]] == ["planning"]
    _, rows = sheet(await h.say("report client:acme"))
    assert [r[7] for r in rows[1:-1]] == ["header =1+2", "review"]
    _, rows = sheet(await h.say("report nonbillable"))
    assert [r[7] for r in rows[1:-1]] == ["planning"]
    assert isinstance(await h.say("report @nosuchthing"), Problem)
    assert isinstance(await h.say("report client:nobody"), Problem)


async def test_time_zone_is_the_users(h: Harness) -> None:
    _, rows = sheet(await h.say("report", tz="America/New_York"))
    assert rows[1][:3] == (datetime(2026, 11, 2), datetime(2026, 11, 2, 3), datetime(2026, 11, 2, 4, 30))


async def test_users_all_is_for_admins(h: Harness) -> None:
    _, rows = sheet(await run(h, "report all", columns=["author", "description"]))
    assert sorted({r[5] for r in rows[1:-1]}) == ["Ada Lovelace", "Grace Hopper"]  # description, author
    _, rows = sheet(await run(h, "report user:grace", columns=["author", "description"]))
    assert [r[4:] for r in rows[1:-1]] == [("grace's", "Grace Hopper")]
    refused = await h.say("report all", **GRACE)
    assert isinstance(refused, Problem) and refused.key == "error.permission"
    refused = await h.say("report user:ada", **GRACE)
    assert isinstance(refused, Problem) and refused.key == "error.permission"
    own = await h.say("report me", **GRACE)
    assert isinstance(own, ReportReady) and own.entries == 1
    assert isinstance(await h.say("report user:nobody"), Problem)


async def test_nothing_to_report_makes_no_file(h: Harness) -> None:
    before = set(h.services.files.directory.iterdir())
    outcome = await h.say("report 2026-01")
    assert isinstance(outcome, Notice) and outcome.key == "report.empty"
    assert set(h.services.files.directory.iterdir()) <= before


async def test_running_timers_stay_out_and_overnight_entries_count_once(h: Harness) -> None:
    await h.say("start @internal still running")
    await h.say("log 2026-11-10 23:00-23:59 @internal late")
    ctx_backend = await h.bot.backends.bind((await _ctx(h)).identity)
    start = datetime(2026, 11, 11, 22, 30, tzinfo=UTC)
    await ctx_backend.create_time_entry(
        TimeEntryDraft(start=start, end=start + timedelta(hours=2), description="overnight")
    )
    _, rows = sheet(await h.say("report"))
    notes = [r[7] for r in rows[1:-1]]
    assert "still running" not in notes and notes.count("overnight") == 1 and "late" in notes


async def test_keyset_batches_keep_order_and_ties(h: Harness) -> None:
    """Tiny batches over entries with identical starts: each entry exactly once, in report order."""
    backend = await h.bot.backends.bind((await _ctx(h)).identity)
    start = datetime(2026, 11, 5, 8, tzinfo=UTC)
    for i in range(7):
        await backend.create_time_entry(
            TimeEntryDraft(start=start, end=start + timedelta(minutes=10 + i), description=f"tie {i}")
        )
    window = (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
    for by_project in (False, True):
        seen: list[Any] = []
        async for batch in backend.iter_workspace_time_entries(*window, by_project=by_project, batch_size=2):
            assert len(batch) <= 2
            seen.extend(batch)
        assert len({e.id for e in seen}) == len(seen) == 11  # 3 + Grace's + 7 ties
        if not by_project:
            assert [e.start for e in seen] == sorted(e.start for e in seen)
        else:
            assert seen[-7:] == [e for e in seen if e.project_id is None]  # no project: last


async def _ctx(h: Harness) -> Any:
    turn = Turn(Activity.model_validate(activity_json("x")), h.services, h.bot.backends, "UTC")
    ctx = await turn.user()
    assert ctx is not None
    return ctx
