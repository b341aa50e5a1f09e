"""Issue 12: renaming and archiving clients, projects and tasks, renaming and deleting tags — through the real
bot on every backend (parser → service → adapter → fake); where the tracker's API cannot, the answer names
the change, in English and German, and nothing else breaks. The table below is the one in docs/commands.md.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from adapters.backend import Capability
from bot.service.outcomes import ListShown, Notice, Problem
from bot.views.backends import backend_name
from tests.conformance.harnesses import HARNESSES, PARAMS
from tests.support.bot_driver import BotDriver, Result, bot_driver

ALL = {"rename client", "archive client", "rename project", "archive project", "rename task", "finish task",
       "rename tag", "delete tag"}  # fmt: skip
CAN: dict[str, set[str]] = {
    "local-sqlite": ALL,
    "local-postgres": ALL,
    "toggl": ALL,
    "timeghost": ALL - {"archive client", "finish task"},
    "awork": {"rename client", "rename project", "rename task"},
    "focus": set(),
}
REFUSED_AS = {
    "rename client": "renaming clients",
    "archive client": "archiving clients",
    "rename project": "renaming projects",
    "archive project": "archiving projects",
    "rename task": "renaming tasks",
    "finish task": "finishing tasks",
    "rename tag": "renaming tags",
    "delete tag": "deleting tags",
}
STEPS = [  # (change, command, the list that shows it, what that list shows afterwards)
    ("rename client", "client rename Acme to Acme Corp", "clients", ["Acme Corp"]),
    ("rename project", "project rename Website to Web site", "projects", ["Intranet", "Web site"]),
    ("rename task", "task rename website/Design to UX", "tasks", [("UX", "Web site")]),
    ("finish task", "task done website/ux", "tasks", []),
    ("rename tag", "tag rename review to code review", "tags", ["#code review"]),
    ("delete tag", "tag delete code review", "tags", []),
    ("archive project", "project archive intranet", "projects", ["Web site"]),
    ("archive client", "client archive acme corp", "clients", []),
]


@dataclass
class Run:
    kind: str
    capabilities: Capability
    outcomes: dict[str, Result] = field(default_factory=dict)
    lists: dict[str, Result] = field(default_factory=dict)
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)
    conflict: Result | None = None


async def _run(kind: str, tmp_path: Path) -> Run:
    async with HARNESSES[kind](tmp_path) as harness, bot_driver(harness, tmp_path) as bot:
        run = Run(kind, bot.backend.capabilities)
        clients = Capability.CLIENTS in run.capabilities
        for command in (
            "client add Acme",
            "project add Website" + (" client:Acme" if clients else ""),
            "project add Intranet" + (" client:Acme" if clients else ""),
            "task add website/Design",
            "tag add review",
        ):
            await bot.say(command)
        for change, command, listing, _ in STEPS:
            await _step(bot, run, change, command, listing)
        run.conflict = await bot.say("project rename web site to Intranet")  # archived: the name is free …
        return run


async def _step(bot: BotDriver, run: Run, change: str, command: str, listing: str) -> None:
    outcome = await bot.say(command)
    run.outcomes[change] = outcome
    run.texts[change] = (str(bot.render(outcome)), str(bot.render(outcome, locale="de-DE")))
    run.lists[change] = await bot.say(listing)


@pytest.fixture(scope="module", params=PARAMS)
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return asyncio.run(_run(request.param, tmp_path_factory.mktemp(request.param)))


def _shown(listed: Result) -> list[object]:
    assert isinstance(listed, ListShown), listed
    tasks = listed.heading.key == "list.tasks"
    return [(i.name, i.detail) if tasks else i.name for i in listed.items]


@pytest.mark.parametrize(("change", "command", "listing", "after"), STEPS)
def test_each_change_where_the_tracker_can_and_a_named_refusal_where_not(
    run: Run, change: str, command: str, listing: str, after: list[object]
) -> None:
    outcome = run.outcomes[change]
    english, german = run.texts[change]
    if change in CAN[run.kind]:
        assert isinstance(outcome, Notice), (change, outcome)
        assert _shown(run.lists[change]) == after, (change, run.lists[change])
        return
    assert isinstance(outcome, Problem) and outcome.key == "error.unsupported", (change, outcome)
    name = backend_name(run.kind)
    assert f"{name} doesn't support" in english and "unterstützt" in german, english
    entity_missing = outcome.params["capability"] in ("clients", "tasks", "tags")
    assert entity_missing or outcome.params["capability"] == REFUSED_AS[change], outcome


def test_a_name_taken_by_another_is_a_conflict_and_by_an_archived_one_too(run: Run) -> None:
    """Renaming onto an existing name is refused like creating a duplicate (archived projects still hold
    their names: they are only out of the lists)."""
    if "rename project" not in CAN[run.kind]:
        return
    assert isinstance(run.conflict, Problem) and run.conflict.key == "error.conflict", run.conflict


@pytest.mark.parametrize("kind", PARAMS)
async def test_project_add_after_its_undo_brings_the_project_back(kind: str, tmp_path: Path) -> None:
    """Undoing `project add` archives the project, and an archived project keeps its name on every tracker:
    adding the name again said it existed. It now restores the archived project (undo archives it again)."""
    if "archive project" not in CAN[kind]:
        return
    async with HARNESSES[kind](tmp_path) as harness, bot_driver(harness, tmp_path) as bot:
        assert isinstance(await bot.say("project add Website"), Notice)
        undone = await bot.say("undo")
        assert isinstance(undone, Notice) and undone.key == "service.project_add_undone", undone
        assert _shown(await bot.say("projects")) == []
        again = await bot.say("project add website")
        assert isinstance(again, Notice) and again.key == "service.project_unarchived", again
        assert _shown(await bot.say("projects")) == ["Website"]
        assert isinstance(await bot.say("undo"), Notice)
        assert _shown(await bot.say("projects")) == []
