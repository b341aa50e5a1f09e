""" "Log like yesterday": the finished entries of one day again on another, at the same local clock times.

Entries that would overlap one already on the target day, or that would start after now, are left out (and
counted), so tapping it twice does not book the day twice.
"""

from __future__ import annotations

from datetime import datetime

from adapters.models import TimeEntryDraft
from bot.operations import CopyDay
from bot.service.common import entry_view, journal, read_entries, utc
from bot.service.context import UserContext
from bot.service.outcomes import DayCopied, Outcome, Problem


async def copy_day(ctx: UserContext, op: CopyDay) -> Outcome:
    if op.target > ctx.today:
        return Problem("service.future_day", {"date": op.target.isoformat()})
    source_start, source_end = ctx.day_bounds(op.source)
    source = [
        e
        for e in await read_entries(ctx, source_start, source_end)
        if e.end is not None and e.start >= utc(source_start)
    ]
    if not source:
        return Problem("feed.copy_nothing", {"date": op.source.isoformat()})
    target_start, target_end = ctx.day_bounds(op.target)
    existing = await read_entries(ctx, target_start, target_end)
    now = utc(ctx.now)
    created, skipped = [], 0
    for entry in sorted(source, key=lambda e: e.start):
        assert entry.end is not None
        start = utc(datetime.combine(op.target, entry.start.astimezone(ctx.tz).time(), tzinfo=ctx.tz))
        end = start + (entry.end - entry.start)
        if start >= now or any(e.overlaps(start, end, now) for e in existing):
            skipped += 1
            continue
        draft = TimeEntryDraft(
            start=start,
            end=min(end, now),
            timezone=str(ctx.tz),
            project_id=entry.project_id,
            task_id=entry.task_id,
            tag_ids=list(entry.tag_ids),
            description=entry.description,
            billable=entry.billable,
        )
        new = await ctx.backend.create_time_entry(draft)
        await journal(ctx, "create", new.id, None, new, "copy day")
        existing.append(new)
        created.append(new)
    data = await ctx.refdata()
    return DayCopied(
        source=op.source,
        target=op.target,
        entries=[entry_view(e, data, ctx) for e in created],
        skipped=skipped,
    )
