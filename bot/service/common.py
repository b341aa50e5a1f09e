"""Helpers shared by the operation handlers: views, the undo journal, names → ids."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel

from adapters.backend import Capability
from adapters.errors import PermissionDenied
from adapters.models import TagDraft, TimeEntry, TimeEntryDraft
from adapters.sql import after_rollback
from bot.operations import LogEntry, ProjectRef, StartTimer
from bot.service.context import UserContext
from bot.service.outcomes import ProjectPick
from bot.service.refdata import RefData
from bot.service.resolve import ResolvedProject, Unresolved, match_name, resolve_project
from bot.store.state import UndoRecord
from bot.views.entries import EntryView, ProjectView

RECENT_WINDOWS = (timedelta(days=14), timedelta(days=92), timedelta(days=366))


def entry_view(entry: TimeEntry, data: RefData, ctx: UserContext, handle: int | None = None) -> EntryView:
    project = data.project(entry.project_id)
    client = data.client(project.client_id) if project else None
    task = data.task(entry.task_id)
    now = ctx.now
    return EntryView(
        id=entry.id,
        handle=handle,
        start=entry.start.astimezone(ctx.tz),
        end=entry.end.astimezone(ctx.tz) if entry.end else None,
        duration_seconds=int(entry.duration(now).total_seconds()),
        project=project.name if project else None,
        project_color=project.color if project else None,
        client=client.name if client else None,
        task=task.name if task else None,
        tags=data.tag_names(entry.tag_ids),
        note=entry.description,
        billable=entry.billable,
        timezone=str(ctx.tz),
        zone_note=ctx.zone_note,
    )


def project_view(project_id: str, data: RefData) -> ProjectView:
    project = data.project(project_id)
    assert project is not None
    client = data.client(project.client_id)
    return ProjectView(
        id=project.id,
        name=project.name,
        client=client.name if client else None,
        billable=project.billable,
        color=project.color,
        done=project.done,
    )


async def journal(
    ctx: UserContext,
    action: Literal["create", "update", "delete"],
    entity_id: str,
    before: BaseModel | None,
    after: BaseModel | None,
    description: str = "",
    entity: Literal["time_entry", "working_hours", "project"] = "time_entry",
) -> str:
    """Record a write so `undo` (or its button) can revert it; returns the token the Undo button carries."""
    if entity == "time_entry":
        wrote(ctx, entity_id, after if isinstance(after, TimeEntry) else None)
    token = secrets.token_urlsafe(9)
    await ctx.services.store.push_undo(
        ctx.identity.tenant_id,
        ctx.identity.aad_object_id,
        UndoRecord(
            token=token,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=before.model_dump(mode="json") if before else None,
            after=after.model_dump(mode="json") if after else None,
            created_at=ctx.now,
            description=description,
            conversation_id=ctx.conversation.id if ctx.conversation else None,
        ),
    )
    return token


async def can_create_master_data(ctx: UserContext) -> bool:
    settings = ctx.backend.workspace.settings
    return not settings.admin_only_master_data or ctx.backend.user.is_admin


Target = tuple[str | None, str | None, bool | None]  # project id, task id, the project's billable default


async def resolve_target(
    ctx: UserContext, ref: ProjectRef | None, op_json: dict[str, Any]
) -> Target | ProjectPick:
    """(project_id, task_id, project's billable default) for a reference, or the card to pick one."""
    if ref is None:
        return None, None, None
    data = await ctx.refdata()
    result = resolve_project(ref, data)
    if isinstance(result, ResolvedProject):
        return result.project.id, result.task.id if result.task else None, result.project.billable
    return _pick(ctx, result, data, op_json, await can_create_master_data(ctx))


def typed_differently(ref: ProjectRef | None, target: Target, data: RefData) -> str | None:
    """What the person typed, when it named the project (or task) only by a fuzzy match — `webseite` for
    Website — so the echo can say so; None for exact, prefix and picked-on-a-card matches."""
    if ref is None or ref.id is not None:
        return None
    project, task = data.project(target[0]), data.task(target[1])

    def plain(typed: str, name: str) -> bool:
        typed, name = typed.casefold(), name.casefold()
        return name.startswith(typed) or any(word.startswith(typed) for word in name.split())

    names = [project.name] if project else []
    if client := data.client(project.client_id) if project else None:
        names.append(client.name)
    if task is not None:
        names.append(task.name)
    if all(any(plain(part, name) for name in names) for part in ref.path if part):
        return None
    return ref.text


def _pick(
    ctx: UserContext, miss: Unresolved, data: RefData, op: dict[str, Any], can_create: bool
) -> ProjectPick:
    return ProjectPick(
        query=miss.query,
        candidates=[project_view(p.id, data) for p in miss.candidates],
        op=op,
        can_create=can_create
        and miss.missing_task is None
        and Capability.PROJECTS in ctx.backend.capabilities,
    )


async def entry_draft(
    ctx: UserContext,
    op: StartTimer | LogEntry,
    target: Target,
    start: datetime,
    end: datetime | None = None,
) -> TimeEntryDraft:
    """What the person typed, as an entry: the resolved project and task, their tags (created when they
    may), the note, and billable as they said or else as the project is."""
    project_id, task_id, billable_default = target
    return TimeEntryDraft(
        start=start,
        end=end,
        timezone=str(ctx.tz),
        project_id=project_id,
        task_id=task_id,
        tag_ids=await tag_ids(ctx, op.tags),
        description=op.note or "",
        billable=op.billable if op.billable is not None else bool(billable_default),
    )


async def tag_ids(ctx: UserContext, names: list[str]) -> list[str]:
    """Map `#tag` names to ids, creating unknown time tags when the user may (Toggl-style tagging)."""
    if not names or Capability.TAGS not in ctx.backend.capabilities:
        return []
    data = await ctx.refdata()
    ids: list[str] = []
    created = False
    for name in dict.fromkeys(n.strip().lstrip("#") for n in names if n.strip().lstrip("#")):
        exact = [t for t in data.tags if t.name.casefold() == name.casefold()]
        tag = exact[0] if exact else None
        if tag is None:
            tag, _ = match_name(name, data.tags)
            if tag is not None and tag.name.casefold().startswith(name.casefold()) is False:
                tag = None  # tags are exact or prefix only: a fuzzy tag would file time under the wrong label
        if tag is None:
            if not await can_create_master_data(ctx):
                raise PermissionDenied(f"tag #{name} does not exist and only admins may create tags")
            tag = await ctx.backend.create_tag(TagDraft(name=name))
            created = True
        ids.append(tag.id)
    if created:
        ctx.services.refdata.invalidate(ctx.backend)
    return ids


def wrote(ctx: UserContext, entry_id: str, after: TimeEntry | None) -> None:
    """Keep the person's recent view true after their own write (`after=None`: deleted)."""
    ctx.services.recent.wrote(ctx.recent_key, entry_id, after)
    key, recent = ctx.recent_key, ctx.services.recent
    after_rollback(lambda: recent.forget(key))  # the command's transaction did not commit: read afresh


async def read_entries(ctx: UserContext, start: datetime, end: datetime) -> list[TimeEntry]:
    """The person's entries overlapping [start, end), read now, and remembered for `log`'s advice."""
    entries = await ctx.backend.list_time_entries(start, end)
    ctx.services.recent.remember(ctx.recent_key, start, end, entries, ctx.now)
    return entries


async def recent_projects(ctx: UserContext, limit: int = 8) -> list[ProjectView]:
    """Projects to offer on a pick card: the ones used lately first, then the other open ones."""
    data = await ctx.refdata()
    recent = [e.project_id for e in await recent_entries(ctx, 0) if e.project_id]
    ordered = dict.fromkeys([*recent, *(p.id for p in data.projects if not p.done)])
    return [project_view(pid, data) for pid in ordered if data.project(pid)][:limit]


async def recent_entries(ctx: UserContext, at_least: int) -> list[TimeEntry]:
    """The user's entries, newest first, reaching back far enough to have `at_least` of them (if any)."""
    entries: list[TimeEntry] = []
    end = ctx.now + timedelta(days=1)
    for window in RECENT_WINDOWS:
        entries = await ctx.backend.list_time_entries(ctx.now - window, end)
        if len(entries) >= at_least:
            break
    return sorted(entries, key=lambda e: e.start, reverse=True)


def utc(dt: datetime) -> datetime:
    """Arithmetic and comparison in UTC: Python does both as wall-clock time on datetimes that share one
    ZoneInfo, which is wrong across a DST change."""
    return dt.astimezone(UTC)


def local(dt: datetime, ctx: UserContext) -> datetime:
    return dt.astimezone(ctx.tz)
