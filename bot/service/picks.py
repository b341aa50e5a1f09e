"""A project chosen on a card (picked from the candidates, or just created there) completes the operation that
asked for it. A task typed with it (`@website/design`) is found in that project by name, or created where
the person may create master data; it is never silently dropped in favour of "no task"."""

from __future__ import annotations

from datetime import datetime

from adapters.backend import Capability
from adapters.models import TaskDraft
from bot.operations import LogEntry, Op, ProjectRef, StartTimer
from bot.service.common import can_create_master_data, entry_view, recent_projects
from bot.service.context import UserContext
from bot.service.outcomes import Problem, ProjectPick
from bot.service.resolve import match_name
from bot.service.timer import running_timer

MAX_CHOICES = 8  # the pick card shows at most this many candidates


async def with_project(
    ctx: UserContext, pending: Op, project_id: str, name: str | None = None
) -> Op | Problem:
    """`pending` (an operation with a `project` field) aimed at `project_id`; `name` when the caller has it
    (a project just created), else the project is looked up and must still exist."""
    if name is None:
        project = (await ctx.refdata()).project(project_id)
        if project is None:
            return Problem("service.entry_gone")
        name = project.name
    asked: ProjectRef | None = getattr(pending, "project", None)
    task_id = await _typed_task(ctx, asked, project_id)
    return pending.model_copy(update={"project": ProjectRef(path=[name], id=project_id, task_id=task_id)})


async def switch_choices(ctx: UserContext) -> ProjectPick:
    """**Switch**: the recently used projects (then the others) to move the timer to, without the one it
    already runs on (switching to it would only split the entry)."""
    running = await running_timer(ctx)
    candidates = await recent_projects(ctx, limit=MAX_CHOICES + 1)
    current = None
    if running is not None:
        current = entry_view(running, await ctx.refdata(), ctx)
        candidates = [p for p in candidates if p.id != running.project_id]
    return ProjectPick(
        query="",
        candidates=candidates[:MAX_CHOICES],
        op=StartTimer().model_dump(mode="json"),
        can_create=False,
        purpose="switch",
        current=current,
    )


async def book_choices(ctx: UserContext, start: datetime, end: datetime) -> ProjectPick:
    """A gap of the working hours booked with one tap: which project, saying which span it books."""
    return ProjectPick(
        query="",
        candidates=await recent_projects(ctx, limit=MAX_CHOICES),
        op=LogEntry(start=start, end=end).model_dump(mode="json"),
        can_create=False,
        purpose="book",
        span=(start.astimezone(ctx.tz), end.astimezone(ctx.tz)),
    )


async def _typed_task(ctx: UserContext, asked: ProjectRef | None, project_id: str) -> str | None:
    if asked is None or len(asked.path) < 2 or Capability.TASKS not in ctx.backend.capabilities:
        return None
    name = asked.path[-1]
    tasks = [t for t in (await ctx.refdata()).tasks if t.project_id == project_id and not t.done]
    found, _ = match_name(name, tasks)
    if found is not None:
        return found.id
    if not await can_create_master_data(ctx):
        return None
    task = await ctx.backend.create_task(TaskDraft(project_id=project_id, name=name))
    ctx.services.refdata.invalidate(ctx.backend)
    return task.id
