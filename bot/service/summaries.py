"""Summaries: totals per project/client/task/tag/day for a period, billable share, gaps in a day."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from adapters.models import TimeEntry
from bot.i18n import Message
from bot.operations import Summary
from bot.service.common import entry_view, read_entries, recent_entries
from bot.service.context import UserContext
from bot.service.outcomes import Outcome, SummaryShown
from bot.service.refdata import RefData
from bot.service.timer import clipped_seconds
from bot.views.entries import SummaryView, TotalsRow

DAY_ENTRIES = 30  # entries a single day's summary lists (the card shows as many as fit)


async def summary(ctx: UserContext, op: Summary) -> Outcome:
    start, _ = ctx.day_bounds(op.period.start)
    end, _ = ctx.day_bounds(op.period.end)
    entries = await read_entries(ctx, start, end)
    data = await ctx.refdata()
    groups: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])  # None: no project (client, tag)
    days: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    total = billable = 0
    for entry in entries:
        seconds = clipped_seconds(entry, start, end, ctx.now)
        total += seconds
        if entry.billable:
            billable += seconds
        for label in _labels(entry, op.by, data, ctx):
            groups[label][0] += seconds
            groups[label][1] += seconds if entry.billable else 0
        for day_label, day_seconds in _per_day(entry, ctx, start, end):
            days[day_label][0] += day_seconds
            days[day_label][1] += day_seconds if entry.billable else 0
    running = next((e for e in entries if e.running), None)
    single_day = op.period.end - op.period.start == timedelta(days=1)
    listed: list[TimeEntry] = sorted(entries, key=lambda e: e.start)[:DAY_ENTRIES] if single_day else []
    handles: dict[str, int] = {}
    if listed:  # the `@N` a person types to edit or delete one (as `times` shows them)
        handles = {e.id: i for i, e in enumerate(await recent_entries(ctx, 0), start=1)}
    return SummaryShown(
        SummaryView(
            period_label=op.period.name,
            start=op.period.start,
            end=op.period.end,
            total_seconds=total,
            billable_seconds=billable,
            by=op.by,
            rows=_rows(groups, by_day=op.by == "day"),
            days=[]
            if single_day
            else [
                TotalsRow(label=k, seconds=v[0], billable_seconds=v[1], day=date.fromisoformat(k))
                for k, v in sorted(days.items())
            ],
            entry_count=len(entries),
            running=entry_view(running, data, ctx) if running else None,
            gaps_seconds=_gaps(entries, ctx) if single_day and entries else None,
            entries=[entry_view(e, data, ctx, handles.get(e.id)) for e in listed],
            more_entries=len(entries) - len(listed) if single_day else 0,
            source={"kind": op.kind, **op.model_dump(mode="json", exclude_defaults=True)},
        )
    )


NONE = Message("summary.none")
_NONE_SORTS_AS = "("  # where "(no project)" / "(kein Projekt)" sorts among names of the same total


def _rows(groups: dict[str | None, list[int]], *, by_day: bool = False) -> list[TotalsRow]:
    ordered = sorted(groups.items(), key=lambda kv: (-kv[1][0], _NONE_SORTS_AS if kv[0] is None else kv[0]))
    return [
        TotalsRow(
            label=NONE if label is None else label,
            seconds=s,
            billable_seconds=b,
            day=date.fromisoformat(label) if by_day and label else None,
        )
        for label, (s, b) in ordered
    ]


def _labels(entry: TimeEntry, by: str, data: RefData, ctx: UserContext) -> list[str | None]:
    """The groups an entry counts in; None where it has no project (client, tags)."""
    project = data.project(entry.project_id)
    if by == "client":
        client = data.client(project.client_id) if project else None
        return [client.name if client else None]
    if by == "task":
        task = data.task(entry.task_id)
        return [f"{project.name} › {task.name}" if project and task else (project.name if project else None)]
    if by == "tag":
        return [*data.tag_names(entry.tag_ids)] or [None]
    if by == "day":
        return [entry.start.astimezone(ctx.tz).date().isoformat()]
    return [project.name if project else None]


def _per_day(entry: TimeEntry, ctx: UserContext, start: datetime, end: datetime) -> list[tuple[str, int]]:
    """Split an entry at local midnights so an entry crossing midnight counts on both days."""
    out: list[tuple[str, int]] = []
    day = max(entry.start, start).astimezone(ctx.tz).date()
    stop = min(entry.end or ctx.now, end)
    while True:
        day_start, day_end = ctx.day_bounds(day)
        if day_start >= stop:
            break
        seconds = clipped_seconds(entry, max(day_start, start), min(day_end, end), ctx.now)
        if seconds:
            out.append((day.isoformat(), seconds))
        day += timedelta(days=1)
    return out


def _gaps(entries: list[TimeEntry], ctx: UserContext) -> int:
    """Untracked time between the first start and the last end of the day."""
    spans = sorted((e.start, e.end or ctx.now) for e in entries)
    gap = 0
    cursor = spans[0][1]
    for s, e in spans[1:]:
        if s > cursor:
            gap += int((s - cursor).total_seconds())
        cursor = max(cursor, e)
    return gap
