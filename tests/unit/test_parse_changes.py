"""Changing master data: `client|project rename OLD to NEW`, `client|project archive NAME`, `task rename|done
PROJECT/TASK`, `tag rename|delete NAME` → `ChangeItem`; what is not built says so."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.commands.parser import parse_strict
from bot.operations import ChangeItem, ParseFailure, ProjectRef

BERLIN = ZoneInfo("Europe/Berlin")
CTX_NOW = datetime(2026, 11, 17, 15, 0, tzinfo=BERLIN)


def parsed(text: str) -> ChangeItem | ParseFailure:
    from bot.operations import ParseContext

    result = parse_strict(text, ParseContext(now=CTX_NOW, tz=BERLIN))
    assert isinstance(result, ChangeItem | ParseFailure), result
    return result


@pytest.mark.parametrize(
    ("text", "entity", "action", "target", "new"),
    [
        ("project rename Website to Web site", "project", "rename", ["Website"], "Web site"),
        ("project rename @website Web site", "project", "rename", ["website"], "Web site"),
        ('projekt umbenennen "Old Site" in Neue Seite', "project", "rename", ["Old Site"], "Neue Seite"),
        ("project archive Intranet", "project", "archive", ["Intranet"], None),
        ("project done intranet", "project", "archive", ["intranet"], None),
        ("task rename website/Design to UX design", "task", "rename", ["website", "Design"], "UX design"),
        ("task rename @website/design -> UX", "task", "rename", ["website", "design"], "UX"),
        ("task done acme/website/review", "task", "archive", ["acme", "website", "review"], None),
    ],
)
def test_projects_and_tasks(text: str, entity: str, action: str, target: list[str], new: str | None) -> None:
    op = parsed(text)
    assert isinstance(op, ChangeItem), op
    assert (op.entity, op.action, op.project, op.name, op.new_name) == (
        entity,
        action,
        ProjectRef(path=target),
        None,
        new,
    )


@pytest.mark.parametrize(
    ("text", "entity", "action", "name", "new"),
    [
        ("client rename Acme to Acme Corp", "client", "rename", "Acme", "Acme Corp"),
        ("kunde archivieren Globex", "client", "archive", "Globex", None),
        ("tag rename review to code review", "tag", "rename", "review", "code review"),
        ("tag rename #review #code", "tag", "rename", "review", "code"),
        ("tag delete internal", "tag", "delete", "internal", None),
        ("tag löschen #intern", "tag", "delete", "intern", None),
    ],
)
def test_clients_and_tags(text: str, entity: str, action: str, name: str, new: str | None) -> None:
    op = parsed(text)
    assert isinstance(op, ChangeItem), op
    assert (op.entity, op.action, op.project, op.name, op.new_name) == (entity, action, None, name, new)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("project rename Website", "parse.rename_needs_new_name"),
        ("project rename Website to", "parse.rename_needs_new_name"),
        ("task rename Design to UX", "parse.task_path"),
        ("task done Design", "parse.task_path"),
        ("project rename acme/website to x", "parse.bad_project"),
        ("project archive", "parse.missing_name"),
        ("project delete Website", "parse.unsupported_command"),
        ("client delete Acme", "parse.unsupported_command"),
        ("tag archive review", "parse.unsupported_command"),
    ],
)
def test_refusals(text: str, key: str) -> None:
    op = parsed(text)
    assert isinstance(op, ParseFailure) and op.message_key == key, op
