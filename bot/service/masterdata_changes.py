"""Changing master data: rename and archive clients and projects, rename and finish tasks, rename and delete
tags — on every backend whose API can (`MasterDataEditor`); where it cannot, the refusal names the change
("awork doesn't support archiving projects"). The names are resolved like everywhere else (exact, unique
prefix, fuzzy; a project that is unclear is picked from a card), and the reference data is dropped after the
change so the next command sees it."""

from __future__ import annotations

import dataclasses
from typing import Any

from adapters.backend import Capability, MasterDataEditor
from adapters.errors import Unsupported
from adapters.models import ClientPatch, ProjectPatch, TagPatch, TaskPatch
from bot.operations import ChangeItem
from bot.service.common import resolve_target
from bot.service.context import UserContext
from bot.service.outcomes import Notice, Outcome, Problem, ProjectPick
from bot.service.refdata import RefData
from bot.service.resolve import ResolvedProject, find_client, match_name, resolve_project

# What each change is called when a backend cannot make it (`capability.*` in the catalogue).
CHANGES = {
    ("client", "rename"): "renaming clients",
    ("client", "archive"): "archiving clients",
    ("project", "rename"): "renaming projects",
    ("project", "archive"): "archiving projects",
    ("task", "rename"): "renaming tasks",
    ("task", "archive"): "finishing tasks",
    ("tag", "rename"): "renaming tags",
    ("tag", "delete"): "deleting tags",
}
_NEEDS = {
    "client": (Capability.CLIENTS, "clients"),
    "project": (Capability.PROJECTS, "projects"),
    "task": (Capability.TASKS, "tasks"),
    "tag": (Capability.TAGS, "tags"),
}


async def change_item(ctx: UserContext, op: ChangeItem) -> Outcome:
    flag, plural = _NEEDS[op.entity]
    if flag not in ctx.backend.capabilities:
        raise Unsupported(plural)
    editor = ctx.backend
    if not isinstance(editor, MasterDataEditor) or (op.entity, op.action) not in CHANGES:
        raise Unsupported(CHANGES.get((op.entity, op.action), plural))
    data = await ctx.refdata()
    outcome = await _change(ctx, editor, op, data)
    if isinstance(outcome, Notice):
        ctx.services.refdata.invalidate(ctx.backend)
    return outcome


async def _change(ctx: UserContext, editor: MasterDataEditor, op: ChangeItem, data: RefData) -> Outcome:
    new = op.new_name
    if op.entity == "client":
        client, _ = find_client(op.name or "", data.clients)
        if client is None:
            return Problem("service.unknown_client", {"name": op.name or ""})
        if op.action == "rename":
            changed = await editor.update_client(client, ClientPatch(name=new))
            return _renamed(client.name, changed.name)
        await editor.update_client(client, ClientPatch(archived=True))
        return Notice("service.client_archived", {"name": client.name})
    if op.entity == "tag":
        tag, _ = match_name(op.name or "", data.tags)
        if tag is None:
            return Problem("service.unknown_tag", {"name": op.name or ""})
        if op.action == "rename":
            changed_tag = await editor.update_tag(tag, TagPatch(name=(new or "").lstrip("#")))
            return _renamed(f"#{tag.name}", f"#{changed_tag.name}")
        await editor.delete_tag(tag)
        return Notice("service.tag_deleted", {"name": tag.name})
    found = await _project_or_task(ctx, op, data)
    if not isinstance(found, ResolvedProject):
        return found
    if op.entity == "project":
        project = found.project
        if op.action == "rename":
            return _renamed(project.name, (await editor.update_project(project, ProjectPatch(name=new))).name)
        await editor.update_project(project, ProjectPatch(done=True))
        return Notice("service.project_archived", {"name": project.name})
    task = found.task
    assert task is not None
    if op.action == "rename":
        return _renamed(task.name, (await editor.update_task(task, TaskPatch(name=new))).name)
    await editor.update_task(task, TaskPatch(done=True))
    return Notice("service.task_done", {"name": task.name, "project": found.project.name})


async def _project_or_task(
    ctx: UserContext, op: ChangeItem, data: RefData
) -> ResolvedProject | ProjectPick | Problem:
    """The project (or project and task) named; an unclear project is picked from a card (never created),
    an unclear task is said so."""
    assert op.project is not None
    result = resolve_project(op.project, data)
    if isinstance(result, ResolvedProject):
        if op.entity == "task" and result.task is None:
            return Problem("service.unknown_task", {"name": op.project.text})
        return result
    if result.missing_task is not None or op.entity == "task":  # a pick card would create a missing task
        return Problem("service.unknown_task", {"name": op.project.text})
    picked = await resolve_target(ctx, op.project, op.model_dump(mode="json"))
    assert isinstance(picked, ProjectPick)
    return dataclasses.replace(picked, can_create=False)


def _renamed(old: str, new: str) -> Notice:
    params: dict[str, Any] = {"old": old, "new": new}
    return Notice("service.renamed", params)
