"""Working hours as a person types them: come/go, breaks, `hours` reconciliation, rules, balance, undo.

Runs parser → service → local backend → store on both databases; the clock starts Tue 17 Nov 2026 08:00
in Berlin and is moved forward by the tests.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from adapters.backend import Identity
from adapters.models import WorkingTimeRules, WorkspaceSettings
from bot.activity import Activity
from bot.operations import ClockIn, ClockOut, TakeBreak, Undo
from bot.routing.turn import Turn
from bot.service.context import UserContext
from bot.service.outcomes import ClockShown, EntryChanged, HoursShown, Notice, Problem, StatusShown
from bot.service.registry import execute
from tests.support.harness import TENANT, Harness, activity_json

BERLIN = ZoneInfo("Europe/Berlin")
MORNING = datetime(2026, 11, 17, 8, 0, tzinfo=BERLIN)
H, M = 3600, 60


@pytest.fixture
async def h(engine) -> Harness:
    harness = Harness(engine, MORNING)
    assert isinstance(await harness.say("project add Website"), Notice)
    return harness


async def clock(h: Harness, text: str) -> ClockShown:
    out = await h.say(text)
    assert isinstance(out, ClockShown), out
    return out


async def hours(h: Harness, text: str = "hours") -> HoursShown:
    out = await h.say(text)
    assert isinstance(out, HoursShown), out
    return out


def keys(out: ClockShown | HoursShown) -> list[str]:
    notes = out.notes if isinstance(out, ClockShown) else out.view.warnings
    return [n.key for n in notes]


async def test_come_break_go_and_the_clock_state(h: Harness) -> None:
    came = await clock(h, "come")
    assert came.action == "came" and came.clock.state == "in" and came.undo_token
    assert came.clock.since is not None and came.clock.since.strftime("%H:%M") == "08:00"
    h.advance(hours=4)
    on_break = await clock(h, "break")
    assert on_break.action == "break_started" and on_break.clock.state == "break"
    h.advance(minutes=30)
    back = await clock(h, "break end")
    assert back.action == "break_ended" and back.clock.state == "in"
    h.advance(hours=4)
    went = await clock(h, "go")
    assert went.action == "went" and went.clock.state == "out"
    assert went.clock.worked_seconds == 8 * H and went.clock.break_seconds == 30 * M
    assert went.notes == []  # 8 h with a 30 min break: within the rules
    status = await h.say("status")
    assert isinstance(status, StatusShown) and status.clock is not None and status.clock.state == "out"


async def test_come_and_go_at_times_and_german_aliases(h: Harness) -> None:
    h.advance(hours=9)
    assert (await clock(h, "kommen um 8:15")).clock.since.strftime("%H:%M") == "08:15"  # type: ignore[union-attr]
    await clock(h, "Pause 12:00-12:30")
    went = await clock(h, "gehen 16:45")
    assert went.clock.worked_seconds == 8 * H and went.clock.last_out is not None
    assert went.clock.last_out.strftime("%H:%M") == "16:45"


async def test_hours_reconciles_clocked_and_booked_with_gap_buttons(h: Harness) -> None:
    await clock(h, "come")
    h.advance(hours=8, minutes=30)
    await clock(h, "break 12:00-12:30")
    assert isinstance(await h.say("log 08:00-12:00 @website"), EntryChanged)
    assert isinstance(await h.say("log 12:30-15:00 @website"), EntryChanged)
    await clock(h, "go")
    view = (await hours(h)).view
    assert (view.worked_seconds, view.break_seconds) == (8 * H, 30 * M)
    assert view.booked_seconds == 6 * H + 30 * M and view.unassigned_seconds == 90 * M
    [day] = view.days
    assert [(s.strftime("%H:%M"), e.strftime("%H:%M")) for s, e in day.gaps] == [("15:00", "16:30")]
    assert view.target_seconds == 8 * H and view.balance_seconds == 0


async def test_booked_time_during_a_break_is_reported_not_subtracted(h: Harness) -> None:
    await clock(h, "come")
    h.advance(hours=5)
    await clock(h, "break 30m at 10:00")
    assert isinstance(await h.say("log 10:00-10:30 @website"), EntryChanged)
    view = (await hours(h)).view
    assert view.worked_seconds == 4 * H + 30 * M and view.booked_outside_seconds == 30 * M
    assert view.unassigned_seconds == 4 * H + 30 * M


async def test_six_hours_without_a_break_warns_and_the_fix_adds_it(h: Harness) -> None:
    await clock(h, "come")
    h.advance(hours=6, minutes=15)
    went = await clock(h, "go")
    assert keys(went) == ["wh.rule.break"]
    fix = went.notes[0].fixes[0]
    assert fix.verb == "add_break" and fix.data == {"minutes": 30, "day": "2026-11-17"}
    added = await clock(h, "break 30m at 11:00")
    assert added.action == "break_added" and added.clock.break_seconds == 30 * M
    assert keys(added) == ["wh.break_added"]  # 5:45 of work now: no rule broken
    assert keys(await hours(h)) == []


async def test_short_breaks_do_not_count_and_more_than_nine_hours_need_45_minutes(h: Harness) -> None:
    await clock(h, "come")
    h.advance(hours=10)
    await clock(h, "break 10m at 10:00")
    await clock(h, "break 30m at 12:00")
    went = await clock(h, "go")
    note = went.notes[0]
    assert note.key == "wh.rule.break"
    assert note.params["required"] == "2700" and note.params["taken"] == "1800"  # seconds: cards say them
    assert note.fixes[0].data["minutes"] == 15


async def test_more_than_ten_hours_warns(h: Harness) -> None:
    await clock(h, "come")
    h.advance(hours=11, minutes=30)
    await clock(h, "break 12:00-12:45")
    went = await clock(h, "go")
    assert keys(went) == ["wh.rule.max_daily"]
    assert went.notes[0].params["worked"] == str(10 * 3600 + 45 * 60)


async def test_short_rest_between_days_warns(h: Harness) -> None:
    h.advance(hours=14)  # 22:00
    await clock(h, "come at 13:00")
    await clock(h, "break 17:00-17:30")
    await clock(h, "go")
    h.advance(hours=10)  # Wed 08:00: 10 h after going home
    came = await clock(h, "come")
    assert keys(came) == ["wh.rule.rest"] and came.notes[0].params["rest"] == str(10 * 3600)


async def test_rules_follow_the_workspace_settings(h: Harness) -> None:
    ctx_backend = await h.bot.backends.bind(_identity())
    rules = WorkingTimeRules(enabled=False)
    await ctx_backend.set_workspace_settings(WorkspaceSettings(working_time_rules=rules))  # type: ignore[attr-defined]
    h.services.refdata.invalidate(ctx_backend)
    await clock(h, "come")
    h.advance(hours=12)
    assert keys(await clock(h, "go")) == []


def _identity() -> Identity:

    return Identity(tenant_id=TENANT, aad_object_id="user-1", name="Ada Lovelace")


async def test_weekly_and_monthly_balance(h: Harness) -> None:
    # Mon 16: 9 h; Tue 17: 7 h (net, each with a 30 min break). Target 8 h per weekday.
    h.advance(hours=10)  # Tue 18:00

    ctx = await _ctx(h)
    monday = MORNING - timedelta(days=1)

    await execute(ctx, ClockIn(at=monday))
    await execute(
        ctx, TakeBreak(action="insert", start=monday.replace(hour=12), end=monday.replace(hour=12, minute=30))
    )
    await execute(ctx, ClockOut(at=monday.replace(hour=17, minute=30)))
    await execute(ctx, ClockIn(at=MORNING.replace(hour=9)))
    await execute(
        ctx,
        TakeBreak(action="insert", start=MORNING.replace(hour=12), end=MORNING.replace(hour=12, minute=30)),
    )
    await execute(ctx, ClockOut(at=MORNING.replace(hour=16, minute=30)))
    week = (await hours(h, "hours week")).view
    assert week.worked_seconds == 16 * H and week.target_seconds == 16 * H and week.balance_seconds == 0
    assert week.partial and [d.day.day for d in week.days] == [16, 17]
    month = (await hours(h, "hours month")).view
    # 1-17 Nov 2026: Mon 2 … Tue 17 = 12 working days so far
    assert month.target_seconds == 12 * 8 * H and month.balance_seconds == 16 * H - 96 * H
    assert [w.label for w in month.weeks][:2] == ["2026-W44", "2026-W45"]
    last = (await hours(h, "hours last week")).view
    assert last.target_seconds == 40 * H and not last.partial and last.balance_seconds == -40 * H


async def _ctx(h: Harness) -> UserContext:

    turn = Turn(Activity.model_validate(activity_json("status")), h.services, h.bot.backends, "UTC")
    ctx = await turn.user()
    assert ctx is not None
    return ctx


# ---- consistency -----------------------------------------------------------------------------------


async def test_go_without_come_offers_to_clock_in_and_out(h: Harness) -> None:
    h.advance(hours=9)
    assert isinstance(await h.say("log 08:30-12:00 @website"), EntryChanged)
    refused = await clock(h, "go")
    assert refused.action == "refused" and keys(refused) == ["wh.not_in"]
    fix = refused.notes[0].fixes[0]
    assert fix.verb == "go" and fix.params == {"start": "08:30", "end": "17:00"}

    done = await execute(await _ctx(h), ClockOut(**fix.data))
    assert isinstance(done, ClockShown) and done.action == "went"
    assert done.clock.worked_seconds == 8 * H + 30 * M
    again = await clock(h, "go")
    assert keys(again) == ["wh.already_out"]


async def test_second_come_and_break_consistency(h: Harness) -> None:
    await clock(h, "come")
    h.advance(hours=1)
    second = await clock(h, "come")
    assert second.action == "refused" and keys(second) == ["wh.already_in"]
    assert second.notes[0].fixes[0].verb == "go"
    no_break = await clock(h, "break end")
    assert keys(no_break) == ["wh.no_open_break"] and no_break.notes[0].fixes[0].verb == "break_start"
    await clock(h, "break")
    twice = await clock(h, "break start")
    assert keys(twice) == ["wh.already_on_break"]
    outside = await clock(h, "break 07:00-07:30")
    assert keys(outside) == ["wh.break_outside"]
    h.advance(minutes=30)
    await clock(h, "break end")
    overlap = await clock(h, "break 09:10-09:20")
    assert keys(overlap) == ["wh.break_overlap"]
    future = await h.say("break 30m at 12:00")
    assert isinstance(future, Problem) and future.key == "check.starts_in_future"


async def test_break_when_not_clocked_in_and_overlapping_come(h: Harness) -> None:
    refused = await clock(h, "break")
    assert keys(refused) == ["wh.break_not_in"] and refused.notes[0].fixes[0].verb == "come"
    await clock(h, "come")
    h.advance(hours=4)
    await clock(h, "go")
    overlap = await clock(h, "come at 10:00")
    assert keys(overlap) == ["wh.overlap"] and overlap.notes[0].params == {"start": "08:00", "end": "12:00"}
    early = await h.say("go at 07:00")
    assert isinstance(early, ClockShown) and keys(early) == ["wh.already_out"]


async def test_still_clocked_in_from_yesterday(h: Harness) -> None:
    await clock(h, "come")
    h.advance(days=1)
    refused = await clock(h, "come")
    assert keys(refused) == ["wh.still_in"]
    fix = refused.notes[0].fixes[0]
    assert fix.verb == "go" and fix.params == {"time": "16:00"}


async def test_go_closes_an_open_break_and_undo_reverts_both(h: Harness) -> None:
    await clock(h, "come")
    h.advance(hours=3)
    await clock(h, "break")
    h.advance(minutes=20)
    went = await clock(h, "go")
    assert went.clock.state == "out" and went.clock.break_seconds == 20 * M
    undone = await h.say("undo")
    assert isinstance(undone, ClockShown) and undone.action == "restored"
    assert undone.clock.state == "break"
    redone = await h.say("undo")  # the undo is itself undoable
    assert isinstance(redone, ClockShown) and redone.clock.state == "out"


async def test_undo_come_and_inserted_break(h: Harness) -> None:
    await clock(h, "come")
    h.advance(hours=2)
    added = await clock(h, "break 15m")
    assert added.clock.break_seconds == 15 * M
    assert (await clock(h, "undo")).clock.break_seconds == 0
    assert (await clock(h, "undo")).clock.break_seconds == 15 * M  # undoing the undo brings it back


async def test_undo_come_by_its_button_token(h: Harness) -> None:
    came = await clock(h, "come")
    h.advance(minutes=5)

    undone = await execute(await _ctx(h), Undo(token=came.undo_token))
    assert isinstance(undone, ClockShown) and undone.clock.state == "out"
    assert (await hours(h)).view.days == []


async def test_dst_day_counts_real_hours(h: Harness) -> None:
    # Sun 25 Oct 2026: clocks go back at 03:00, the day has 25 hours.

    ctx = await _ctx(h)
    start = datetime(2026, 10, 25, 1, 0, tzinfo=BERLIN)
    await execute(ctx, ClockIn(at=start))
    await execute(ctx, ClockOut(at=start.astimezone(ZoneInfo("UTC")) + timedelta(hours=5)))
    view = (await hours(h, "hours 2026-10-25")).view
    assert view.worked_seconds == 5 * H and view.days[0].last_out is not None
    assert view.days[0].last_out.strftime("%H:%M") == "05:00"  # wall clock shows 4 h, really 5 h
