"""Clients, projects, tasks and tags: list and create (creation may be restricted to admins)."""

from __future__ import annotations

from typing import Literal

from adapters.backend import Capability, GroupSource, MasterDataEditor
from adapters.errors import Unsupported
from adapters.models import ClientDraft, Project, ProjectDraft, ProjectPatch, TagDraft, TaskDraft, name_key
from bot.i18n import Message
from bot.operations import (
    AddClient,
    AddProject,
    AddTag,
    AddTask,
    ListClients,
    ListGroups,
    ListProjects,
    ListTags,
    ListTasks,
)
from bot.service.common import journal, resolve_target
from bot.service.context import UserContext
from bot.service.outcomes import ListShown, Notice, Outcome, Problem, ProjectCreated
from bot.service.resolve import find_client
from bot.store.state import UndoRecord
from bot.views.entries import NamedItem


def _require(ctx: UserContext, capability: Capability, name: str) -> None:
    if capability not in ctx.backend.capabilities:
        raise Unsupported(name)


def _shown(ctx: UserContext, kind: str, items: list[NamedItem], actions: tuple[str, ...] = ()) -> ListShown:
    """A master-data list: titled `list.<kind>`, with `list.<kind>_empty` saying how to add the first one;
    `actions`: what each item offers (`ListShown.actions`)."""
    return ListShown(
        Message(f"list.{kind}"), items, Message(f"list.{kind}_empty"), locale=ctx.locale, actions=actions
    )


async def list_projects(ctx: UserContext, op: ListProjects) -> Outcome:
    _require(ctx, Capability.PROJECTS, "projects")
    data = await ctx.refdata()
    projects = [p for p in data.projects if not p.done]
    if op.client:
        client, _ = find_client(op.client, data.clients)
        if client is None:
            return Problem("service.unknown_client", {"name": op.client})
        projects = [p for p in projects if p.client_id == client.id]
    items = []
    for p in sorted(projects, key=lambda p: p.name.casefold()):
        client_obj = data.client(p.client_id)
        items.append(
            NamedItem(
                id=p.id,
                name=p.name,
                detail=client_obj.name if client_obj else None,
                marks=[Message("list.billable")] if p.billable else [],
            )
        )
    actions = ("start", "log", "tasks") if Capability.TASKS in ctx.backend.capabilities else ("start", "log")
    return _shown(ctx, "projects", items, actions)


async def add_project(ctx: UserContext, op: AddProject) -> Outcome:
    _require(ctx, Capability.PROJECTS, "projects")
    client_id = None
    if op.client:
        client, _ = find_client(op.client, (await ctx.refdata()).clients)
        if client is None:
            return Problem("service.unknown_client", {"name": op.client}, hint_key="service.client_add_hint")
        client_id = client.id
    restored = await _restore_archived(ctx, op.name, client_id)
    if restored is not None:
        return restored
    project = await ctx.backend.create_project(
        ProjectDraft(
            name=op.name, client_id=client_id, billable=bool(op.billable), color=op.color, private=op.private
        )
    )
    ctx.services.refdata.invalidate(ctx.backend)
    token = None
    if isinstance(ctx.backend, MasterDataEditor):  # Undo archives it: no tracker here deletes projects
        token = await journal(ctx, "create", project.id, None, project, "project add", entity="project")
    return _created("service.project_created", project, token)


async def _restore_archived(ctx: UserContext, name: str, client_id: str | None) -> ProjectCreated | None:
    """`project add` of a name an archived project holds brings that project back: archived projects keep
    their names on every tracker (a new one would be a conflict), and the person asking wants a usable project
    of that name, with whatever was logged to it before. Undo archives it again."""
    editor = ctx.backend
    if not isinstance(editor, MasterDataEditor):
        return None
    key = name_key(name)
    archived = next(
        (
            p
            for p in (await ctx.refdata()).projects
            if p.done and name_key(p.name) == key and p.client_id == client_id
        ),
        None,
    )
    if archived is None:
        return None
    project = await editor.update_project(archived, ProjectPatch(done=False))
    ctx.services.refdata.invalidate(ctx.backend)
    token = await journal(ctx, "update", project.id, archived, project, "project add", entity="project")
    return _created("service.project_unarchived", project, token)


def _created(key: str, project: Project, token: str | None) -> ProjectCreated:
    return ProjectCreated(
        key, {"name": project.name}, project_id=project.id, project_name=project.name, undo_token=token
    )


async def undo_project(ctx: UserContext, record: UndoRecord) -> Outcome:
    """Undo `project add` by archiving the project (its entries, if any were logged meanwhile, stay); undoing
    that brings it back."""
    editor = ctx.backend
    data = await ctx.refdata()
    project = data.project(record.entity_id)
    if project is None:
        return Problem("service.entry_gone")
    if not isinstance(editor, MasterDataEditor):
        raise Unsupported("archiving projects")
    archive = record.action in ("create", "update")  # undoing the add, or undoing its undo
    changed = await editor.update_project(project, ProjectPatch(done=archive))
    ctx.services.refdata.invalidate(ctx.backend)
    action: Literal["update", "delete"] = "delete" if archive else "update"
    token = await journal(ctx, action, changed.id, project, changed, "undo", entity="project")
    key = "service.project_add_undone" if archive else "service.project_restored"
    return ProjectCreated(
        key, {"name": changed.name}, project_id=changed.id, project_name=changed.name, undo_token=token
    )


async def list_clients(ctx: UserContext, op: ListClients) -> Outcome:
    _require(ctx, Capability.CLIENTS, "clients")
    data = await ctx.refdata()
    counts = {c.id: sum(1 for p in data.projects if p.client_id == c.id and not p.done) for c in data.clients}
    items = [
        NamedItem(id=c.id, name=c.name, marks=[Message("list.project_count", {"count": counts[c.id]})])
        for c in sorted(data.clients, key=lambda c: c.name.casefold())
        if not c.archived
    ]
    return _shown(ctx, "clients", items)


async def add_client(ctx: UserContext, op: AddClient) -> Outcome:
    _require(ctx, Capability.CLIENTS, "clients")
    client = await ctx.backend.create_client(ClientDraft(name=op.name))
    ctx.services.refdata.invalidate(ctx.backend)
    return Notice("service.client_created", {"name": client.name})


async def list_tasks(ctx: UserContext, op: ListTasks) -> Outcome:
    _require(ctx, Capability.TASKS, "tasks")
    data = await ctx.refdata()
    tasks = [task for task in data.tasks if not task.done]
    if op.project is not None:
        target = await resolve_target(ctx, op.project, op.model_dump(mode="json"))
        if not isinstance(target, tuple):
            return target
        tasks = [task for task in tasks if task.project_id == target[0]]
    items = []
    for task in sorted(tasks, key=lambda x: x.name.casefold()):
        project = data.project(task.project_id)
        items.append(NamedItem(id=task.id, name=task.name, detail=project.name if project else None))
    return _shown(ctx, "tasks", items)


async def add_task(ctx: UserContext, op: AddTask) -> Outcome:
    _require(ctx, Capability.TASKS, "tasks")
    target = await resolve_target(ctx, op.project, op.model_dump(mode="json"))
    if not isinstance(target, tuple):
        return target
    project_id = target[0]
    assert project_id is not None
    estimate = int(op.estimate.total_seconds()) if op.estimate else None
    task = await ctx.backend.create_task(
        TaskDraft(project_id=project_id, name=op.name, estimate_seconds=estimate)
    )
    ctx.services.refdata.invalidate(ctx.backend)
    project = (await ctx.refdata()).project(project_id)
    return Notice("service.task_created", {"name": task.name, "project": project.name if project else ""})


async def list_tags(ctx: UserContext, op: ListTags) -> Outcome:
    _require(ctx, Capability.TAGS, "tags")
    data = await ctx.refdata()
    items = [
        NamedItem(id=tag.id, name=f"#{tag.name}", marks=[Message(f"list.tag_{tag.kind}")])
        for tag in sorted(data.tags, key=lambda x: x.name.casefold())
    ]
    return _shown(ctx, "tags", items)


async def list_groups(ctx: UserContext, op: ListGroups) -> Outcome:
    """The workspace's groups, with how many members each has where the backend says (and if you are one)."""
    _require(ctx, Capability.GROUPS, "groups")
    if not isinstance(ctx.backend, GroupSource):
        raise Unsupported("groups")
    items = []
    for group in sorted(await ctx.backend.list_groups(), key=lambda g: g.name.casefold()):
        marks = [Message("list.member_count", {"count": len(group.user_ids)})] if group.user_ids else []
        if ctx.backend.user.id in group.user_ids:
            marks.append(Message("list.you_are_member"))
        items.append(NamedItem(id=group.id, name=group.name, marks=marks))
    return _shown(ctx, "groups", items)


async def add_tag(ctx: UserContext, op: AddTag) -> Outcome:
    _require(ctx, Capability.TAGS, "tags")
    tag = await ctx.backend.create_tag(TagDraft(name=op.name.lstrip("#"), kind=op.tag_kind))
    ctx.services.refdata.invalidate(ctx.backend)
    return Notice("service.tag_created", {"name": tag.name})
