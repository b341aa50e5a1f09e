"""Card forms: what the log/start forms offer (projects, tasks, tags; recently used first) and the settings.

Saving a log/start form builds the ordinary `LogEntry`/`StartTimer` (see `bot.features.forms`), so a form
entry gets the same echo, overlap warnings and Undo as a typed command.
"""

from __future__ import annotations

from typing import Any

from adapters.backend import Capability, WorkspaceSettingsWriter
from adapters.errors import Unsupported
from adapters.models import Workspace, WorkspaceSettings
from bot.operations import ShowForm, ShowSettings
from bot.service import preferences, schedule
from bot.service.common import recent_entries
from bot.service.context import UserContext
from bot.service.outcomes import FormShown, Outcome, SettingsShown
from bot.views.forms import FormView, Option, SettingsView

RECENT_PROJECTS = 10
COMMON_ZONES = (
    "Europe/Berlin", "Europe/Vienna", "Europe/Zurich", "Europe/London", "Europe/Dublin", "Europe/Lisbon",
    "Europe/Paris", "Europe/Amsterdam", "Europe/Madrid", "Europe/Rome", "Europe/Warsaw", "Europe/Helsinki",
    "Europe/Istanbul", "UTC", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Sao_Paulo", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney",
)  # fmt: skip


async def recent_ids(ctx: UserContext) -> tuple[list[str], list[str], list[str]]:
    """Project, task and tag ids of the user's recent entries, most recent first, without repeats."""
    entries = await recent_entries(ctx, 0)
    projects = [e.project_id for e in entries if e.project_id]
    tasks = [e.task_id for e in entries if e.task_id]
    tags = [tag for e in entries for tag in e.tag_ids]
    return list(dict.fromkeys(projects)), list(dict.fromkeys(tasks)), list(dict.fromkeys(tags))


async def form_view(
    ctx: UserContext,
    kind: str,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> FormView:
    data = await ctx.refdata()
    recent_projects, recent_tasks, recent_tags = await recent_ids(ctx)
    open_projects = {p.id: p for p in data.projects if not p.done}
    by_name = sorted(open_projects.values(), key=lambda p: p.name.casefold())
    recent = [pid for pid in recent_projects if pid in open_projects][:RECENT_PROJECTS]
    ordered = [open_projects[pid] for pid in recent] + [p for p in by_name if p.id not in set(recent)]
    tasks = sorted(
        (t for t in data.tasks if not t.done and t.project_id in open_projects),
        key=lambda t: (t.id not in recent_tasks, t.name.casefold()),
    )
    tag_rank = {tid: i for i, tid in enumerate(recent_tags)}
    tags = sorted(data.tags, key=lambda t: (tag_rank.get(t.id, len(tag_rank)), t.name.casefold()))
    return FormView(
        kind="start" if kind == "start" else "log",
        today=ctx.today,
        projects=[Option(value=p.id, title=p.name) for p in ordered],
        tasks=[Option(value=t.id, title=t.name, parent=t.project_id) for t in tasks],
        tags=[Option(value=t.id, title=t.name) for t in tags],
        recent_projects=len(recent),
        recent_tags=sum(1 for t in tags if t.id in tag_rank),
        values=dict(values or {}),
        errors=dict(errors or {}),
    )


async def show_form(ctx: UserContext, op: ShowForm) -> Outcome:
    values = {"project": op.project.id} if op.project and op.project.id else None
    return FormShown(await form_view(ctx, op.form, values))


def may_change_workspace(ctx: UserContext) -> bool:
    return (
        ctx.backend.user.is_admin
        and Capability.WORKSPACE_SETTINGS in ctx.backend.capabilities
        and isinstance(ctx.backend, WorkspaceSettingsWriter)
    )


async def settings_view(
    ctx: UserContext, values: dict[str, str] | None = None, errors: dict[str, str] | None = None
) -> SettingsView:
    settings = ctx.backend.workspace.settings
    return SettingsView(
        timezone=str(ctx.prefs.timezone or ctx.tz),
        zones=list(COMMON_ZONES),
        is_admin=may_change_workspace(ctx),
        admin_only_master_data=settings.admin_only_master_data,
        weekly_target_minutes=settings.weekly_target_minutes,
        end_of_day=schedule.end_of_day(ctx.prefs).strftime("%H:%M"),
        long_timer_hours=int(schedule.long_timer(ctx.prefs).total_seconds() // 3600),
        remind_timer=ctx.prefs.remind_timer,
        remind_nudge=ctx.prefs.remind_nudge,
        feed_push=ctx.prefs.feed_push,
        values=dict(values or {}),
        errors=dict(errors or {}),
    )


async def show_settings(ctx: UserContext, op: ShowSettings) -> Outcome:
    return SettingsShown(await settings_view(ctx))


async def save_timezone(ctx: UserContext, zone: str) -> str | None:
    """Store the user's zone; returns the canonical name, or None when the name is unknown."""
    canonical = preferences.canonical_zone(zone)
    if canonical is None:
        return None
    if canonical != ctx.prefs.timezone:
        ctx.prefs = ctx.prefs.model_copy(update={"timezone": canonical})
        await ctx.services.store.save_prefs(ctx.prefs)
    return canonical


async def save_workspace(ctx: UserContext, **changes: Any) -> Workspace:
    """Change the workspace policy through the backend (admins only; the backend checks again)."""
    current = ctx.backend.workspace.settings
    updated = WorkspaceSettings.model_validate({**current.model_dump(), **changes})
    backend = ctx.backend
    if not isinstance(backend, WorkspaceSettingsWriter):
        raise Unsupported("workspace settings")
    return await backend.set_workspace_settings(updated)


async def save_prefs(ctx: UserContext, **changes: Any) -> None:
    """Change the person's own settings (reminders, the feed push); the turn sees them at once."""
    if changes:
        ctx.prefs = ctx.prefs.model_copy(update=changes)
        await ctx.services.store.save_prefs(ctx.prefs)
