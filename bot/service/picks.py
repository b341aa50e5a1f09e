"""A project chosen on a card (picked from the candidates, or just created there) completes the operation that
asked for it. A task typed with it (`@website/design`) is found in that project by name, or created where
the person may create master data; it is never silently dropped in favour of "no task"."""

from __future__ import annotations

from adapters.backend import Capability
from adapters.models import TaskDraft
from bot.operations import Op, ProjectRef
from bot.service.common import can_create_master_data
from bot.service.context import UserContext
from bot.service.outcomes import Problem
from bot.service.resolve import match_name


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
