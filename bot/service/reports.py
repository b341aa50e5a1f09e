"""`report`: the times Excel report (timeghost's "Create Times Excel Report"), written while it streams.

Entries come from the backend in batches (`ReportSource.iter_workspace_time_entries`) and go straight into the
spreadsheet writer in a worker thread, so neither the entries nor the workbook are ever held whole in memory
and the event loop keeps serving other people meanwhile. The finished file waits in the file store; the
feature layer (`bot.features.reports`) delivers it by file consent (personal chat) or a download link.

What counts: finished entries that *start* in the period (an entry over midnight belongs to the day it began;
a running timer is not in the report until it is stopped). Rounding changes the report's durations only.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from adapters.backend import Capability, ReportSource
from adapters.errors import Unsupported
from adapters.models import Client, Project, Task, TimeEntry
from bot import operations as ops
from bot.i18n import in_sentence
from bot.reports.xlsx import ReportRow, ReportWriter
from bot.service.context import UserContext
from bot.service.native_report import native_report, wants_native
from bot.service.outcomes import Notice, Outcome, Problem, ReportReady
from bot.service.report_people import report_people
from bot.service.resolve import ResolvedProject, match_name, resolve_project

_BATCH = 1000


async def report(ctx: UserContext, op: ops.Report) -> Outcome:
    backend = ctx.backend
    if wants_native(ctx, op):
        return await native_report(ctx, op)
    if Capability.REPORTS not in backend.capabilities or not isinstance(backend, ReportSource):
        raise Unsupported("reports")
    data = await ctx.refdata()
    projects = {p.id: p for p in data.projects}
    clients = {c.id: c for c in data.clients}
    tasks = {t.id: t for t in data.tasks}

    project_ids: list[str | None] | None = None
    if op.projects:
        project_ids = []
        for ref in op.projects:
            if ref.id:
                project_ids.append(ref.id)
                continue
            found = resolve_project(ref, data)
            if not isinstance(found, ResolvedProject):
                return Problem(
                    "report.unknown_project", {"name": ref.text}, hint_key="report.unknown_project_hint"
                )
            project_ids.append(found.project.id)
    if op.client:
        client, _ = match_name(op.client, data.clients)
        if client is None:
            return Problem("report.unknown_client", {"name": op.client})
        of_client: list[str | None] = [p.id for p in data.projects if p.client_id == client.id]
        project_ids = [p for p in (project_ids if project_ids is not None else of_client) if p in of_client]

    people = await report_people(ctx, op)
    if isinstance(people, Problem):
        return people
    user_ids, authors = people

    period = op.period
    start, end = ctx.day_bounds(period.start, (period.end - period.start).days)
    files = ctx.services.files
    path = files.new_path()
    writer = await asyncio.to_thread(
        ReportWriter,
        path,
        tz=ctx.tz,
        locale=ctx.locale,
        columns=op.columns,
        by_project=op.by_project,
        rounding_minutes=op.rounding_minutes,
        rounding_type=op.rounding_type,
        title=period.name,
    )
    try:
        batches = backend.iter_workspace_time_entries(
            start,
            end,
            user_ids,
            project_ids=project_ids,
            billable=op.billable,
            by_project=op.by_project,
            batch_size=_BATCH,
        )
        async for batch in batches:
            rows = [_row(entry, projects, clients, tasks, authors) for entry in batch]
            await asyncio.to_thread(writer.add_rows, rows)
        stats = await asyncio.to_thread(writer.close)
    except BaseException:
        with contextlib.suppress(Exception):
            await asyncio.to_thread(writer.abort)
        raise
    if stats.entries == 0:
        path.unlink(missing_ok=True)
        return Notice("report.empty", {"period": in_sentence(period.name)})
    last_day = period.end - timedelta(days=1)
    filename = f"times_{period.start.isoformat()}_{last_day.isoformat()}.xlsx"
    return ReportReady(
        path=path,
        filename=filename,
        period_label=period.name,
        period_start=period.start,
        period_end=period.end,
        entries=stats.entries,
        total_seconds=stats.total_seconds,
        size=stats.size,
    )


def _row(
    entry: TimeEntry,
    projects: dict[str, Project],
    clients: dict[str, Client],
    tasks: dict[str, Task],
    authors: dict[str, str],
) -> ReportRow:
    assert entry.end is not None  # the backend streams finished entries only
    project = projects.get(entry.project_id) if entry.project_id else None
    client = clients.get(project.client_id) if project and project.client_id else None
    task = tasks.get(entry.task_id) if entry.task_id else None
    label = ""
    if project is not None:
        label = f"{client.name} / {project.name}" if client else project.name
    return ReportRow(
        start=entry.start,
        end=entry.end,
        group_key=entry.project_id,
        group_label=label,
        client=client.name if client else "",
        project=project.name if project else "",
        project_description=project.description if project else "",
        task=task.name if task else "",
        description=entry.description,
        author=authors.get(entry.user_id, ""),
    )
