"""`report … timeghost`: the tracker's own Excel file (timeghost's "Create Times Excel Report"), for people
who know that file, with `report`'s parameters mapped to the ones its definition has: the period, one person
or everyone, and grouping by project. timebot's options it has no counterpart for (project, client and
billable filters, rounding, columns) are refused by name rather than silently dropped. Without the word (or
`TIMEBOT_TIMEGHOST_REPORT=timeghost`), `report` stays timebot's spreadsheet, the same on every backend.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from adapters.backend import ExcelReportSource
from adapters.errors import Unsupported
from bot import operations as ops
from bot.service.context import UserContext
from bot.service.outcomes import Outcome, Problem, ReportReady
from bot.service.report_people import report_people
from bot.views.backends import backend_name

OWN_FILE = "an Excel report of its own"
_DEFAULT_COLUMNS = ops.Report.model_fields["columns"].default


def wants_native(ctx: UserContext, op: ops.Report) -> bool:
    if op.source is not None:
        return op.source == "backend"
    return ctx.backend.kind in ctx.services.native_reports


async def native_report(ctx: UserContext, op: ops.Report) -> Outcome:
    backend = ctx.backend
    if not isinstance(backend, ExcelReportSource):
        raise Unsupported(OWN_FILE)
    name = backend_name(backend.kind)
    if (
        op.projects
        or op.client
        or op.billable is not None
        or op.rounding_minutes
        or (op.columns != _DEFAULT_COLUMNS)
    ):
        return Problem("report.native_options", {"backend": name}, hint_key="report.native_options_hint")
    people = await report_people(ctx, op)
    if isinstance(people, Problem):
        return people
    user_ids, _ = people
    if user_ids is not None and len(set(user_ids)) > 1:
        return Problem("report.native_one_person", {"backend": name})
    period = op.period
    start, end = ctx.day_bounds(period.start, (period.end - period.start).days)
    data = await backend.create_excel_report(
        start,
        end,
        user_id=user_ids[0] if user_ids else None,
        everyone=user_ids is None,
        grouped_by_project=op.by_project,
    )
    path = ctx.services.files.new_path()
    await asyncio.to_thread(path.write_bytes, data)
    last_day = period.end - timedelta(days=1)
    return ReportReady(
        path=path,
        filename=f"{backend.kind}_{period.start.isoformat()}_{last_day.isoformat()}.xlsx",
        period_label=period.name,
        period_start=period.start,
        period_end=period.end,
        entries=None,
        total_seconds=None,
        size=len(data),
        made_by=backend.kind,
    )
