"""Issue 4: every command of `docs/commands.md` works on each backend that has the capability and explains
itself on those that do not.

One conversation (`SCRIPT`) runs through the real bot (parser → service → adapter) against every harness
of `harnesses.py`, once per backend (module-scoped: the steps build on each other, like a person's day).
The tests then judge the recorded outcomes the same way for every backend: where `backend.capabilities`
has what a command needs, the success outcome with the right content; where not, a `Problem`
"error.unsupported" whose card names the backend and the missing feature; nowhere an exception or
"error.internal".
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest

from adapters.backend import Backend, Capability
from bot.operations import Ambiguity, ParseFailure
from bot.service.outcomes import (
    ClockShown,
    DeleteConfirm,
    EntriesShown,
    EntryChanged,
    HelpShown,
    HoursShown,
    ListShown,
    Notice,
    Problem,
    ReportReady,
    SettingsShown,
    StatusShown,
    SummaryShown,
    WorkspacesShown,
)
from bot.views.backends import backend_name
from tests.conformance.harnesses import HARNESSES, PARAMS
from tests.support.bot_driver import BotDriver, Result, bot_driver

T = TypeVar("T")

PRESS = "press:"
"""A step that presses a button (the card verb after the colon) on the card of the step before it."""

SCRIPT: list[tuple[str, str]] = [  # (step name, what the person types or presses)
    # master data
    ("client add", "client add Acme"),
    ("clients", "clients"),
    ("project add", "project add Website"),  # with `client:Acme` where clients exist (`WITH_CLIENTS`)
    ("projects", "projects"),
    ("task add", "task add website/Design"),
    ("tasks", "tasks website"),
    ("tag add", "tag add meeting"),
    ("tags", "tags"),
    ("groups", "groups"),
    # timer
    ("start", "start @website"),
    ("status running", "status"),
    ("stop", "stop"),
    ("start again", "start @website"),
    ("cancel", "cancel"),
    ("continue", "continue"),
    ("stop continued", "stop"),
    ("start task", "start @website/design"),
    ("stop task", "stop"),
    # manual entries
    ("log", 'log 30m @website "note" at 9:00'),  # the morning: the timers above ran at noon
    ("log range", "log 9-10 @website yesterday"),
    ("edit note", 'edit @1 note "changed"'),
    # lengthened by its start: 45 min from its end would reach into the future, which is refused
    ("edit duration", "edit last start 45 min ago"),
    ("times", "times"),
    ("delete", "delete last"),
    ("delete confirmed", f"{PRESS}delete_confirm"),
    ("times after delete", "times"),
    ("undo", "undo"),
    ("times after undo", "times"),
    # summaries
    ("today", "today"),
    ("yesterday", "yesterday"),
    ("week", "week"),
    ("summary by project", "summary week by project"),
    # working hours (the person's zone has it at 12:xx now, see `tests.support.bot_driver.noon_zone`)
    ("come", "come at 9"),
    ("break range", "break 10:00-10:15"),
    ("break duration", "break 15m"),
    ("go", "go"),
    ("hours", "hours"),
    ("status clocked", "status"),
    # reports, account, settings, help
    ("report", "report week"),
    ("workspace", "workspace"),
    ("settings", "settings"),
    ("help", "help"),
    ("signin", "signin"),  # these bots have no sign-in configured: they say so
    ("subscribe", "subscribe times"),  # parsed and run (this harness wires no notifications: it says so)
]

WITH_CLIENTS = {"project add": "project add Website client:Acme"}
"""Where the backend has clients, Website belongs to Acme: timeghost keeps tasks under a client."""

NOT_BUILT: dict[str, str] = {}


@dataclass
class Conversation:
    """What each step of `SCRIPT` produced on one backend (or the exception it raised, as text)."""

    kind: str
    capabilities: Capability
    user_is_admin: bool
    workspace_id: str
    today: date
    links_entry_tasks: bool = True  # False: the API cannot put a task on a time (timeghost)
    outcomes: dict[str, Result] = field(default_factory=dict)
    raised: dict[str, str] = field(default_factory=dict)
    cards: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # step → locale → card

    def has(self, capability: Capability) -> bool:
        return capability in self.capabilities

    def get(self, step: str, kind: type[T]) -> T:
        assert step not in self.raised, f"{step} raised on {self.kind}: {self.raised[step]}"
        outcome = self.outcomes[step]
        assert isinstance(outcome, kind), f"{step} on {self.kind}: expected {kind.__name__}, got {outcome!r}"
        return outcome

    def text(self, step: str, locale: str = "en") -> str:
        return "\n".join(_texts(self.cards[step][locale]))

    def expect(self, step: str, needs: Capability, kind: type[T], feature: str) -> T | None:
        """The success outcome where the backend has `needs`, else check the refusal explains itself."""
        if self.has(needs):
            return self.get(step, kind)
        problem = self.get(step, Problem)
        assert problem.key == "error.unsupported", (step, problem)
        name = backend_name(self.kind)
        assert problem.params.get("backend") == name, problem
        assert feature in problem.params["capability"], (step, problem)
        english, german = self.text(step, "en"), self.text(step, "de")
        assert f"{name} doesn't support {feature}" in english, english
        assert name in german and "unterstützt" in german, german
        return None


def _texts(node: Any) -> Iterator[str]:
    """Every `text` of a card, at any depth (what a person reads)."""
    if isinstance(node, dict):
        if isinstance(node.get("text"), str):
            yield node["text"]
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)


async def _say(
    driver: BotDriver, conversation: Conversation, step: str, command: str, previous: str | None
) -> None:
    try:
        if command.startswith(PRESS):
            assert previous in conversation.outcomes, f"{step}: no card from {previous!r} to press on"
            outcome = await driver.press(conversation.outcomes[previous], command.removeprefix(PRESS))
        else:
            outcome = await driver.say(command)
        conversation.outcomes[step] = outcome
        conversation.cards[step] = {
            "en": driver.render(outcome, locale="en-US"),
            "de": driver.render(outcome, locale="de-DE"),
        }
    except Exception:  # recorded, so one bad step fails its own test and the rest still runs
        conversation.raised[step] = traceback.format_exc()


async def _converse(kind: str, tmp_path: Path) -> Conversation:
    async with HARNESSES[kind](tmp_path) as harness, bot_driver(harness, tmp_path) as driver:
        backend: Backend = driver.backend
        conversation = Conversation(
            kind=backend.kind,
            capabilities=backend.capabilities,
            user_is_admin=backend.user.is_admin,
            workspace_id=backend.workspace.id,
            links_entry_tasks=getattr(backend, "links_entry_tasks", True),
            today=datetime.now(ZoneInfo(driver.tz)).date(),
        )
        previous: str | None = None
        for step, command in SCRIPT:
            if conversation.has(Capability.CLIENTS):
                command = WITH_CLIENTS.get(step, command)
            await _say(driver, conversation, step, command, previous)
            previous = step
        return conversation


@pytest.fixture(scope="module", params=PARAMS)
def conversation(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Conversation:
    """The whole script on one backend; sync and module-scoped so the tests below share one run."""
    return asyncio.run(_converse(request.param, tmp_path_factory.mktemp(request.param)))


# ---- every backend ---------------------------------------------------------------------------------------


def test_no_command_raises_or_fails_internally(conversation: Conversation) -> None:
    assert not conversation.raised, conversation.raised
    assert set(conversation.outcomes) == {step for step, _ in SCRIPT}
    for step, outcome in conversation.outcomes.items():
        assert not (isinstance(outcome, Problem) and outcome.key == "error.internal"), step
        assert not isinstance(outcome, Ambiguity), (step, outcome)
        if isinstance(outcome, ParseFailure):
            assert step in NOT_BUILT, (step, outcome)


def test_master_data(conversation: Conversation) -> None:
    c = conversation
    if c.expect("project add", Capability.PROJECTS, Notice, "projects"):
        projects = c.get("projects", ListShown)
        assert [item.name for item in projects.items] == ["Website"]
    else:
        c.expect("projects", Capability.PROJECTS, ListShown, "projects")
    if c.expect("client add", Capability.CLIENTS, Notice, "clients"):
        assert [item.name for item in c.get("clients", ListShown).items] == ["Acme"]
    else:
        c.expect("clients", Capability.CLIENTS, ListShown, "clients")
    if c.expect("task add", Capability.TASKS, Notice, "tasks"):
        tasks = c.get("tasks", ListShown)
        assert [(item.name, item.detail) for item in tasks.items] == [("Design", "Website")]
    else:
        c.expect("tasks", Capability.TASKS, ListShown, "tasks")
    if c.expect("tag add", Capability.TAGS, Notice, "tags"):
        assert [item.name for item in c.get("tags", ListShown).items] == ["#meeting"]
    else:
        c.expect("tags", Capability.TAGS, ListShown, "tags")
    groups = c.expect("groups", Capability.GROUPS, ListShown, "groups")
    assert groups is None or (groups.title == "Groups" and groups.items == [])  # none made in the fakes


def test_timer(conversation: Conversation) -> None:
    c = conversation
    started = c.expect("start", Capability.TIMER, EntryChanged, "timer")
    if started is None:
        return
    assert (started.action, started.entry.project, started.entry.end) == ("started", "Website", None)
    status = c.get("status running", StatusShown)
    assert status.running is not None and status.running.id == started.entry.id
    assert (status.clock is not None) == c.has(Capability.WORKING_HOURS)
    stopped = c.get("stop", EntryChanged)
    assert (stopped.action, stopped.entry.id) == (
        "stopped",
        started.entry.id,
    ) and stopped.entry.end is not None
    again = c.get("start again", EntryChanged)
    cancelled = c.get("cancel", EntryChanged)
    assert (cancelled.action, cancelled.entry.id) == ("cancelled", again.entry.id)
    continued = c.get("continue", EntryChanged)
    assert (continued.action, continued.entry.project, continued.entry.end) == ("continued", "Website", None)
    assert continued.entry.id not in (started.entry.id, again.entry.id)
    assert c.get("stop continued", EntryChanged).entry.id == continued.entry.id
    with_task = c.get("start task", EntryChanged)
    expected_task = "Design" if c.has(Capability.TASKS) and c.links_entry_tasks else None
    assert (with_task.entry.project, with_task.entry.task) == ("Website", expected_task)
    assert c.get("stop task", EntryChanged).entry.id == with_task.entry.id


def test_manual_entries(conversation: Conversation) -> None:
    c = conversation
    logged = c.expect("log", Capability.TIME_ENTRIES, EntryChanged, "time entries")
    if logged is None:
        return
    assert (logged.action, logged.entry.project, logged.entry.note) == ("logged", "Website", "note")
    assert logged.entry.duration_seconds == 30 * 60 and logged.entry.start.date() == c.today
    ranged = c.get("log range", EntryChanged)
    assert (ranged.entry.start.date(), ranged.entry.start.hour, ranged.entry.duration_seconds) == (
        c.today - timedelta(days=1),
        9,
        3600,
    )
    # `@1` is the most recently started entry; `last` then is the entry written last: the one just edited
    last = c.get("stop task", EntryChanged).entry
    noted = c.get("edit note", EntryChanged)
    assert (noted.action, noted.entry.id, noted.entry.note) == ("edited", last.id, "changed")
    lengthened = c.get("edit duration", EntryChanged)
    assert lengthened.entry.id == last.id and 45 * 60 - 5 <= lengthened.entry.duration_seconds <= 45 * 60
    listed = c.get("times", EntriesShown)
    ids = [entry.id for entry in listed.entries]
    starts = [entry.start for entry in listed.entries]
    assert starts == sorted(starts, reverse=True)  # newest first
    assert last.id in ids and logged.entry.id in ids and ranged.entry.id not in ids  # today only
    assert [entry.handle for entry in listed.entries] == list(range(1, len(ids) + 1))
    asked = c.get("delete", DeleteConfirm)
    assert asked.entry.id == last.id
    deleted = c.get("delete confirmed", EntryChanged)
    assert (deleted.action, deleted.entry.id) == ("deleted", last.id)
    assert last.id not in [entry.id for entry in c.get("times after delete", EntriesShown).entries]
    restored = c.get("undo", EntryChanged)
    assert restored.action == "restored"
    assert (restored.entry.project, restored.entry.note) == ("Website", "changed")
    assert restored.entry.duration_seconds == lengthened.entry.duration_seconds
    after = c.get("times after undo", EntriesShown)
    assert restored.entry.id in [entry.id for entry in after.entries]
    assert len(after.entries) == len(listed.entries)


def test_summaries(conversation: Conversation) -> None:
    c = conversation
    today = c.expect("today", Capability.TIME_ENTRIES, SummaryShown, "time entries")
    if today is None:
        return
    listed = c.get("times after undo", EntriesShown)
    assert today.view.total_seconds == sum(entry.duration_seconds for entry in listed.entries)
    assert 75 * 60 - 5 <= today.view.total_seconds < 76 * 60  # 45 min + 30 min + the seconds the timers ran
    assert [row.label for row in today.view.rows] == ["Website"]
    yesterday = c.get("yesterday", SummaryShown).view
    assert (yesterday.total_seconds, [row.label for row in yesterday.rows]) == (3600, ["Website"])
    week = c.get("week", SummaryShown).view
    yesterday_in_week = week.start <= c.today - timedelta(days=1)  # not on Mondays
    assert week.total_seconds == today.view.total_seconds + (3600 if yesterday_in_week else 0)
    grouped = c.get("summary by project", SummaryShown).view
    assert (grouped.by, grouped.total_seconds, [row.label for row in grouped.rows]) == (
        "project",
        week.total_seconds,
        ["Website"],
    )


def test_working_hours(conversation: Conversation) -> None:
    c = conversation
    came = c.expect("come", Capability.WORKING_HOURS, ClockShown, "working hours")
    steps = ["break range", "break duration", "go", "hours"]
    if came is None:
        for step in steps:
            c.expect(step, Capability.WORKING_HOURS, ClockShown, "working hours")
        status = c.get("status clocked", StatusShown)
        assert status.clock is None
        return
    assert came.action == "came" and came.clock.first_in is not None and came.clock.first_in.hour == 9
    assert [c.get(step, ClockShown).action for step in steps[:3]] == ["break_added", "break_added", "went"]
    hours = c.get("hours", HoursShown).view
    (day,) = hours.days
    assert day.first_in is not None and day.last_out is not None, day
    assert (day.day, day.first_in.hour, day.first_in.minute, day.break_seconds) == (c.today, 9, 0, 30 * 60)
    clocked = int((day.last_out - day.first_in).total_seconds())
    assert day.worked_seconds == clocked - 30 * 60
    clock = c.get("status clocked", StatusShown).clock
    assert clock is not None and (clock.state, clock.break_seconds) == ("out", 30 * 60)


def test_report(conversation: Conversation) -> None:
    c = conversation
    ready = c.expect("report", Capability.REPORTS, ReportReady, "reports")
    if ready is not None:
        week = c.get("week", SummaryShown).view
        assert ready.total_seconds == week.total_seconds and ready.size > 0
        assert ready.filename.endswith(".xlsx")


def test_account_settings_and_help(conversation: Conversation) -> None:
    c = conversation
    workspaces = c.get("workspace", WorkspacesShown)
    assert (workspaces.backend, workspaces.current) == (c.kind, c.workspace_id)
    assert c.workspace_id in [workspace_id for workspace_id, _ in workspaces.workspaces]
    assert backend_name(c.kind) in c.text("workspace")
    settings = c.get("settings", SettingsShown).view
    assert settings.is_admin == (c.user_is_admin and c.has(Capability.WORKSPACE_SETTINGS))
    assert settings.timezone.startswith("Etc/GMT")  # the Teams client's zone
    assert c.get("help", HelpShown).topic is None


def test_signin_without_sign_in_configured_says_so(conversation: Conversation) -> None:
    assert conversation.get("signin", Problem).key == "signin.none_offered"
    assert "Signing in is not set up on this bot" in conversation.text("signin")
    assert "nicht eingerichtet" in conversation.text("signin", "de")


@pytest.mark.parametrize("step", sorted(NOT_BUILT))
def test_verbs_not_built_yet_say_so(conversation: Conversation, step: str) -> None:
    failure = conversation.get(step, ParseFailure)
    assert (failure.message_key, failure.verb) == ("parse.unsupported_command", NOT_BUILT[step])
    assert f"{NOT_BUILT[step]}** is not available yet" in conversation.text(step)
    assert "gibt es noch nicht" in conversation.text(step, "de")
