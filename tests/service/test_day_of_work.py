"""A day of work as a person types it, run through parser → service → local backend → store.

The clock is fixed at Tue 17 Nov 2026 15:00 in Berlin and moved forward by the tests.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.operations import Ambiguity, ParseFailure
from bot.service.outcomes import (
    DeleteConfirm,
    EditForm,
    EntriesShown,
    EntryChanged,
    ListShown,
    NothingRunning,
    Notice,
    Problem,
    ProjectPick,
    StatusShown,
    SummaryShown,
)
from bot.views.questions import WriteQuestion
from tests.support.harness import Harness

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 17, 15, 0, tzinfo=BERLIN)


@pytest.fixture
async def h(engine) -> Harness:
    harness = Harness(engine, NOW)
    for command in (
        "client add Acme",
        "project add Website client:Acme billable",
        "project add Internal",
        "task add website/Design",
    ):
        assert isinstance(await harness.say(command), Notice), command
    return harness


def local(dt: datetime | None) -> str:
    assert dt is not None
    return dt.astimezone(BERLIN).strftime("%a %H:%M")


async def test_start_status_stop_today(h: Harness) -> None:
    started = await h.say("start @website/design #meeting fixing the header")
    assert isinstance(started, EntryChanged) and started.action == "started"
    assert (started.entry.project, started.entry.task, started.entry.client) == ("Website", "Design", "Acme")
    assert started.entry.tags == ["meeting"] and started.entry.billable  # billable comes from the project
    h.advance(minutes=45)
    status = await h.say("status")
    assert isinstance(status, StatusShown) and status.running is not None
    assert status.running.duration_seconds == 45 * 60 and status.today_seconds == 45 * 60
    stopped = await h.say("stop")
    assert isinstance(stopped, EntryChanged) and stopped.action == "stopped"
    assert stopped.entry.duration_seconds == 45 * 60 and not stopped.entry.running
    today = await h.say("today")
    assert isinstance(today, SummaryShown)
    assert today.view.total_seconds == 45 * 60 and today.view.billable_seconds == 45 * 60
    assert [(r.label, r.seconds) for r in today.view.rows] == [("Website", 45 * 60)]
    again = await h.say("stop")
    assert isinstance(again, NothingRunning)


async def test_starting_while_running_switches_at_the_new_start(h: Harness) -> None:
    await h.say("start @website")
    h.advance(minutes=30)
    switched = await h.say("start @internal")
    assert isinstance(switched, EntryChanged) and switched.switched_from is not None
    assert switched.switched_from.project == "Website" and switched.switched_from.duration_seconds == 1800
    assert switched.switched_from.end == switched.entry.start


async def test_stop_at_a_time_and_start_at_a_time(h: Harness) -> None:
    started = await h.say("start @website at 14:00")
    assert isinstance(started, EntryChanged) and local(started.entry.start) == "Tue 14:00"
    stopped = await h.say("stop at 14:45")
    assert isinstance(stopped, EntryChanged) and stopped.entry.duration_seconds == 45 * 60
    early = await h.say("start @website at 16:00")  # in the future
    assert isinstance(early, Problem) and early.key == "check.starts_in_future"


async def test_log_duration_yesterday_is_placed_in_the_morning_then_after(h: Harness) -> None:
    first = await h.say("log 1h30m @website yesterday")
    assert isinstance(first, EntryChanged) and first.action == "logged"
    assert (local(first.entry.start), local(first.entry.end)) == ("Mon 09:00", "Mon 10:30")
    second = await h.say('log 2h @internal yesterday "planning"')
    assert isinstance(second, EntryChanged)
    assert (local(second.entry.start), local(second.entry.end)) == ("Mon 10:30", "Mon 12:30")
    assert second.entry.note == "planning"


async def test_log_duration_today_ends_now(h: Harness) -> None:
    logged = await h.say("log 45m @website")
    assert isinstance(logged, EntryChanged)
    assert (local(logged.entry.start), local(logged.entry.end)) == ("Tue 14:15", "Tue 15:00")


async def test_range_crossing_midnight_counts_on_both_days(h: Harness) -> None:
    logged = await h.say("log 22:00-01:30 @website last friday")
    assert isinstance(logged, EntryChanged) and logged.entry.duration_seconds == int(3.5 * 3600)
    week = await h.say("summary last week by day")
    assert isinstance(week, SummaryShown)
    assert [(r.label, r.seconds) for r in week.view.days] == [("2026-11-13", 7200), ("2026-11-14", 5400)]


async def test_dst_end_day_counts_real_elapsed_time(h: Harness) -> None:
    logged = await h.say("log 1:30-3:30 @website 2026-10-25")
    assert isinstance(logged, EntryChanged)
    assert logged.entry.duration_seconds == 3 * 3600  # 02:00-03:00 happened twice that night


async def test_bare_number_asks_minutes_or_hours(h: Harness) -> None:
    asked = await h.say("log 2 @website")
    assert isinstance(asked, Ambiguity) and len(asked.choices) == 2
    minutes, hours = [await h.say(choice.command) for choice in asked.choices]
    assert isinstance(minutes, EntryChanged) and minutes.entry.duration_seconds == 2 * 60
    # 2 h ending now would lie over those 2 minutes: asked, not written over
    assert isinstance(hours, WriteQuestion) and hours.reason == "overlap"
    assert (hours.end - hours.start).total_seconds() == 2 * 3600
    too_long = await h.say("log 90h @website")
    assert isinstance(too_long, Problem) and too_long.key == "service.too_long"


async def test_unknown_and_misspelt_projects(h: Harness) -> None:
    typo = await h.say("log 1h @intrenal")
    assert isinstance(typo, EntryChanged) and typo.entry.project == "Internal"
    unknown = await h.say("log 1h @zebra")
    assert isinstance(unknown, ProjectPick) and unknown.can_create and unknown.query == "zebra"
    assert unknown.op["kind"] == "log"


async def test_edit_applies_times_to_the_entrys_own_day(h: Harness) -> None:
    await h.say("log 9-10 @website yesterday")
    edited = await h.say("edit last end 11:15 #review")
    assert isinstance(edited, EntryChanged) and edited.action == "edited"
    assert (local(edited.entry.start), local(edited.entry.end)) == ("Mon 09:00", "Mon 11:15")
    assert edited.entry.tags == ["review"]
    form = await h.say("edit")
    assert isinstance(form, EditForm) and form.entry.id == edited.entry.id
    too_long = await h.say("edit last duration 30h")
    assert isinstance(too_long, Problem) and too_long.key == "service.too_long"
    overnight = await h.say("edit last end 01:30")  # an end before the start would cross midnight: 16.5 h
    assert isinstance(overnight, WriteQuestion) and overnight.reason == "reversed"
    assert [o.kind for o in overnight.options] == ["swap", "overnight"]
    assert (local(overnight.start), local(overnight.end)) == ("Mon 09:00", "Tue 01:30")


async def test_a_zero_length_entry_still_takes_a_note(h: Harness) -> None:
    """Toggl and Focus keep whole seconds, so `start` then `stop` within a second leaves start == end; editing
    anything but the times must not be refused as "ends before it starts"."""
    await h.say("start @website")
    stopped = await h.say("stop")  # the clock did not move
    assert isinstance(stopped, EntryChanged) and stopped.entry.duration_seconds == 0
    noted = await h.say('edit last note "standup"')
    assert isinstance(noted, EntryChanged) and noted.action == "edited", noted
    assert (noted.entry.id, noted.entry.note, noted.entry.duration_seconds) == (
        stopped.entry.id,
        "standup",
        0,
    )
    retimed = await h.say("edit last start 15:01")  # new times are still checked
    assert isinstance(retimed, Problem) and retimed.key == "service.end_before_start", retimed


async def test_delete_asks_then_undo_restores_and_undo_toggles(h: Harness) -> None:
    logged = await h.say("log 1h @website")
    assert isinstance(logged, EntryChanged)
    asked = await h.say("delete last")
    assert isinstance(asked, DeleteConfirm) and asked.entry.id == logged.entry.id
    undone_log = await h.say("undo")
    assert isinstance(undone_log, EntryChanged) and undone_log.action == "deleted"
    empty = await h.say("today")
    assert isinstance(empty, SummaryShown) and empty.view.total_seconds == 0
    redone = await h.say("undo")
    assert isinstance(redone, EntryChanged) and redone.action == "restored"
    back = await h.say("today")
    assert isinstance(back, SummaryShown) and back.view.total_seconds == 3600


async def test_cancel_discards_the_running_timer_with_undo(h: Harness) -> None:
    await h.say("start @website")
    cancelled = await h.say("cancel")
    assert isinstance(cancelled, EntryChanged) and cancelled.action == "cancelled"
    status = await h.say("status")
    assert isinstance(status, StatusShown) and status.running is None
    await h.say("undo")
    status = await h.say("status")
    assert isinstance(status, StatusShown) and status.running is not None


async def test_continue_copies_the_last_entry(h: Harness) -> None:
    await h.say('log 1h @website/design #meeting "standup" yesterday')
    continued = await h.say("continue")
    assert isinstance(continued, EntryChanged) and continued.action == "continued"
    assert (continued.entry.project, continued.entry.task, continued.entry.note) == (
        "Website",
        "Design",
        "standup",
    )
    assert continued.entry.running


async def test_times_lists_handles_and_users_are_isolated(h: Harness) -> None:
    await h.say("log 9-10 @website yesterday")
    await h.say("log 10-11 @internal yesterday")
    listed = await h.say("times week")
    assert isinstance(listed, EntriesShown) and [e.handle for e in listed.entries] == [1, 2]
    assert listed.entries[0].project == "Internal" and listed.total_seconds == 7200
    other = await h.say("times week", user="user-2", name="Grace Hopper")
    assert isinstance(other, EntriesShown) and other.entries == []


async def test_only_admins_create_master_data_when_the_workspace_says_so(h: Harness) -> None:
    await h.say("projects", user="user-2", name="Grace Hopper")  # user-2 joins; user-1 is the admin
    admin = await h.bot.backends.bind(_identity("user-1"))
    await admin.set_workspace_settings(
        admin.workspace.settings.model_copy(update={"admin_only_master_data": True})
    )  # type: ignore[attr-defined]
    for user in ("user-1", "user-2"):
        h.bot.backends.forget(_identity(user))  # drop cached bindings, as a restart would
    refused = await h.say("project add Secret", user="user-2", name="Grace Hopper")
    assert isinstance(refused, Problem) and refused.key == "error.permission"
    pick = await h.say("log 1h @zebra", user="user-2", name="Grace Hopper")
    assert isinstance(pick, ProjectPick) and not pick.can_create
    allowed = await h.say("project add Secret")
    assert isinstance(allowed, Notice)


async def test_lists_and_timezone(h: Harness) -> None:
    projects = await h.say("projects")
    assert isinstance(projects, ListShown) and [i.name for i in projects.items] == ["Internal", "Website"]
    tasks = await h.say("tasks website")
    assert isinstance(tasks, ListShown) and [(i.name, i.detail) for i in tasks.items] == [
        ("Design", "Website")
    ]
    set_tz = await h.say("timezone America/New_York", tz=None)
    assert isinstance(set_tz, Notice) and set_tz.params["zone"] == "America/New_York"
    status = await h.say("log 30m @website", tz=None)  # no client zone: the user's setting applies
    assert isinstance(status, EntryChanged) and status.entry.timezone == "America/New_York"
    assert status.entry.end is not None and status.entry.end.utcoffset() == timedelta(hours=-5)
    wrong = await h.say("timezone Mars/Olympus")
    assert isinstance(wrong, (Problem, ParseFailure))


def _identity(user: str):
    from adapters.backend import Identity

    return Identity(tenant_id="tenant-1", aad_object_id=user, name=user)


def test_fixed_clock_is_tuesday_afternoon() -> None:
    assert NOW.astimezone(UTC).hour == 14 and NOW.strftime("%A") == "Tuesday"


async def test_an_overlap_is_asked_naming_a_few_and_saying_there_are_more(h: Harness) -> None:
    for hour in range(9, 15):
        await h.say(f"log {hour}:00-{hour + 1}:00 @website")
    asked = await h.say("log 8:30-14:30 @internal")
    assert isinstance(asked, WriteQuestion) and asked.reason == "overlap"
    assert [local(e.start) for e in asked.overlaps] == ["Tue 09:00", "Tue 10:00", "Tue 11:00", "Tue 12:00"]
    assert asked.more_overlaps == 2
    assert [o.kind for o in asked.options] == ["both"]  # after 15:00 it would end in the future


async def test_a_duration_logged_while_a_timer_runs_goes_before_the_timer(h: Harness) -> None:
    await h.say("start @website at 14:00")
    logged = await h.say("log 30m @internal")
    assert isinstance(logged, EntryChanged)
    assert (local(logged.entry.start), local(logged.entry.end)) == ("Tue 13:30", "Tue 14:00")
