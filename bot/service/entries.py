"""Manual entries: log, edit, delete, undo, and listing them with their `@N` handles."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from adapters.errors import Conflict, NotFound
from adapters.models import TimeEntry, TimeEntryDraft, TimeEntryPatch
from bot.operations import DeleteEntry, EditEntry, EntryRef, ListTimes, LogEntry, Undo
from bot.service.checks import ask_about_overlaps, check_times, nearby_entries
from bot.service.common import (
    Target,
    entry_draft,
    entry_view,
    journal,
    read_entries,
    recent_entries,
    resolve_target,
    tag_ids,
    typed_differently,
    utc,
)
from bot.service.context import UserContext
from bot.service.forms import form_view
from bot.service.masterdata import undo_project
from bot.service.outcomes import (
    DeleteConfirm,
    EditForm,
    EntriesShown,
    EntryChanged,
    Outcome,
    Problem,
)
from bot.service.resolve import match_name
from bot.service.timer import clipped_seconds, find_entry
from bot.service.workinghours import undo as undo_working_hours
from bot.views.entries import EntryView

WORKDAY_START = time(9, 0)
LIST_LIMIT = 40


def _hm(dt: datetime, ctx: UserContext) -> str:
    return dt.astimezone(ctx.tz).strftime("%H:%M")


async def log(ctx: UserContext, op: LogEntry) -> Outcome:
    span = await _place(ctx, op)
    if isinstance(span, Problem):
        return span
    start, end, nearby = span
    checked = check_times(ctx, op, "log", start, end)
    if checked is not None:
        return checked
    target = await resolve_target(ctx, op.project, op.model_dump(mode="json"))
    if not isinstance(target, tuple):
        return target
    if nearby is None:
        nearby = await nearby_entries(ctx, start, end)
    question = await ask_about_overlaps(ctx, op, "log", start, end, nearby)
    if question is not None:
        return question
    draft = await entry_draft(ctx, op, target, start, end)
    entry = await ctx.backend.create_time_entry(draft)
    token = await journal(ctx, "create", entry.id, None, entry, "log")
    data = await ctx.refdata()
    typed = typed_differently(op.project, target, data)
    return EntryChanged("logged", entry_view(entry, data, ctx), undo_token=token, typed=typed)


Placement = tuple[datetime, datetime, list[TimeEntry] | None]  # start, end, the overlaps if already read


async def _place(ctx: UserContext, op: LogEntry) -> Placement | Problem:
    """Where a logged entry goes: an explicit range, or a duration placed on the day without overlap."""
    # Arithmetic on aware datetimes sharing one ZoneInfo is wall-clock in Python: do it in UTC (DST days).
    start_at = utc(op.start) if op.start else None
    end_at = utc(op.end) if op.end else None
    if start_at and end_at:
        return start_at, end_at, None
    if start_at and op.duration:
        return start_at, start_at + op.duration, None
    if end_at and op.duration:
        return end_at - op.duration, end_at, None
    if op.duration is None:
        return Problem("service.log_needs_time", hint_key="service.log_hint")
    day = op.day or ctx.today
    day_start, day_end = (utc(b) for b in ctx.day_bounds(day))
    if day > ctx.today:
        return Problem("service.future_day", {"date": day.isoformat()})
    if day == ctx.today:
        # One read answers both questions: a running timer always overlaps "the last N minutes", and the
        # same rows are the overlaps to warn about when the entry ends now.
        now = utc(ctx.now)
        nearby: list[TimeEntry] | None = await nearby_entries(ctx, max(now - op.duration, day_start), now)
        running = next((e for e in nearby or [] if e.end is None), None)
        end = now
        if running is not None and running.start > day_start:
            end, nearby = running.start, None  # placed before the timer: its overlaps are other rows
        start = end - op.duration
        if start < day_start:  # e.g. `log 8h` at 06:00: fill the day from midnight instead of yesterday
            start, end, nearby = day_start, day_start + op.duration, None
        return start, end, nearby
    existing = [e for e in await read_entries(ctx, day_start, day_end) if e.end is not None]
    latest_end = max((e.end for e in existing if e.end is not None), default=None)
    morning = utc(datetime.combine(day, WORKDAY_START, tzinfo=ctx.tz))
    start = latest_end if latest_end and latest_end < day_end else morning
    return start, start + op.duration, None


async def edit(ctx: UserContext, op: EditEntry) -> Outcome:
    entry = await find_entry(ctx, op.ref, op.entry_id)
    if isinstance(entry, Problem):
        return entry
    data = await ctx.refdata()
    if _nothing_to_change(op):
        return await edit_form(ctx, entry)
    patch: dict[str, object] = {}
    start, end = _retime(ctx, entry, op)
    if start != entry.start:
        patch["start"] = start
    if end != entry.end:
        patch["end"] = end
    # Only new times are checked: a zero-length entry (a timer stopped within the second on a backend that
    # keeps whole seconds) must still take a note, project or tags.
    retimed = "start" in patch or "end" in patch
    if retimed:
        checked = check_times(ctx, op, "edit", start, end)
        if checked is not None:
            return checked
    target: Target | None = None
    if op.clear_project:
        if entry.project_id is not None or entry.task_id is not None:
            patch["project_id"], patch["task_id"] = None, None
    elif op.project is not None:
        resolved = await resolve_target(ctx, op.project, op.model_dump(mode="json"))
        if not isinstance(resolved, tuple):
            return resolved
        target = resolved
        patch["project_id"], patch["task_id"] = target[0], target[1]
    if op.set_tags is not None:
        patch["tag_ids"] = await tag_ids(ctx, op.set_tags)
    elif op.add_tags or op.remove_tags:
        removing = set()
        for name in op.remove_tags:
            tag, _ = match_name(name.lstrip("#"), data.tags)
            if tag is not None:
                removing.add(tag.id)
        added = await tag_ids(ctx, op.add_tags)
        patch["tag_ids"] = [t for t in dict.fromkeys([*entry.tag_ids, *added]) if t not in removing]
    if op.note is not None:
        patch["description"] = op.note
    if op.billable is not None:
        patch["billable"] = op.billable
    if retimed and end is not None:
        question = await ask_about_overlaps(
            ctx, op, "edit", start, end, await nearby_entries(ctx, start, end), exclude=entry.id
        )
        if question is not None:
            return question
    updated = await ctx.backend.update_time_entry(entry.id, TimeEntryPatch(**patch))
    token = await journal(ctx, "update", entry.id, entry, updated, "edit")
    typed = typed_differently(op.project, target, await ctx.refdata()) if target is not None else None
    return EntryChanged(
        "edited", entry_view(updated, await ctx.refdata(), ctx), undo_token=token, typed=typed
    )


def _nothing_to_change(op: EditEntry) -> bool:
    values = (op.start, op.end, op.duration, op.day, op.project, op.note, op.billable, op.set_tags)
    return all(v is None for v in values) and not (op.add_tags or op.remove_tags or op.clear_project)


async def edit_form(ctx: UserContext, entry: TimeEntry) -> EditForm:
    """The edit form of `entry`, its project, task and tags chosen in pickers offering the open ones (recently
    used first)."""
    chosen = {"project": entry.project_id or "", "task": entry.task_id or "", "tags": ",".join(entry.tag_ids)}
    options = await form_view(ctx, "log", {k: v for k, v in chosen.items() if v})
    return EditForm(entry_view(entry, await ctx.refdata(), ctx), options=options)


async def entry_by_id(ctx: UserContext, entry_id: str) -> EntryView | Problem:
    """One entry as shown on a card (the edit form's Cancel brings its card back)."""
    entry = await find_entry(ctx, EntryRef(), entry_id)
    if isinstance(entry, Problem):
        return entry
    return entry_view(entry, await ctx.refdata(), ctx)


def _retime(ctx: UserContext, entry: TimeEntry, op: EditEntry) -> tuple[datetime, datetime | None]:
    """New (start, end). Times of day typed without a date apply to the entry's own day, not today."""
    local_start = entry.start.astimezone(ctx.tz)
    day = op.day or local_start.date()
    length = entry.end - entry.start if entry.end else None

    def on_day(dt: datetime) -> datetime:
        wall = dt.astimezone(ctx.tz).time().replace(tzinfo=None)
        return utc(datetime.combine(day, wall, tzinfo=ctx.tz))

    start = on_day(op.start) if op.start else (on_day(local_start) if op.day else entry.start)
    if op.end:
        end: datetime | None = on_day(op.end)
        if end is not None and end <= start:
            end += timedelta(days=1)  # `edit end 01:30` on an evening entry crosses midnight
    elif op.duration:
        end = start + op.duration
    elif length is not None and (op.start or op.day):
        end = start + length if op.day and not op.start else entry.end
    else:
        end = entry.end
    return start, end


async def delete(ctx: UserContext, op: DeleteEntry) -> Outcome:
    entry = await find_entry(ctx, op.ref, op.entry_id)
    if isinstance(entry, Problem):
        return entry
    data = await ctx.refdata()
    if not op.confirmed:
        return DeleteConfirm(entry_view(entry, data, ctx))
    await ctx.backend.delete_time_entry(entry.id)
    token = await journal(ctx, "delete", entry.id, entry, None, "delete")
    return EntryChanged("deleted", entry_view(entry, data, ctx), undo_token=token)


async def undo(ctx: UserContext, op: Undo) -> Outcome:
    """Revert the caller's last write (or the one the button names). The revert is itself undoable."""
    record = await ctx.services.store.pop_undo(ctx.identity.tenant_id, ctx.identity.aad_object_id, op.token)
    if record is None:
        return Problem("service.nothing_to_undo" if op.token is None else "service.undo_expired")
    if record.entity == "working_hours":
        return await undo_working_hours(ctx, record)
    if record.entity == "project":
        return await undo_project(ctx, record)
    data = await ctx.refdata()
    try:
        if record.action == "create":
            current = await ctx.backend.get_time_entry(record.entity_id)
            await ctx.backend.delete_time_entry(record.entity_id)
            token = await journal(ctx, "delete", current.id, current, None, "undo")
            return EntryChanged("deleted", entry_view(current, data, ctx), undo_token=token)
        before = TimeEntry.model_validate(record.before)
        if record.action == "update":
            current = await ctx.backend.get_time_entry(record.entity_id)
            restored = await ctx.backend.update_time_entry(
                record.entity_id,
                TimeEntryPatch(
                    start=before.start,
                    end=before.end,
                    timezone=before.timezone,
                    project_id=before.project_id,
                    task_id=before.task_id,
                    tag_ids=before.tag_ids,
                    description=before.description,
                    billable=before.billable,
                ),
            )
            token = await journal(ctx, "update", restored.id, current, restored, "undo")
            return EntryChanged("restored", entry_view(restored, data, ctx), undo_token=token)
        recreated = await ctx.backend.create_time_entry(
            TimeEntryDraft(**before.model_dump(include=set(TimeEntryDraft.model_fields)))
        )
        token = await journal(ctx, "create", recreated.id, None, recreated, "undo")
        return EntryChanged("restored", entry_view(recreated, data, ctx), undo_token=token)
    except NotFound:
        return Problem("service.entry_gone")
    except Conflict:
        return Problem("service.undo_conflict", hint_key="service.undo_conflict_hint")


async def times(ctx: UserContext, op: ListTimes) -> Outcome:
    start, _ = ctx.day_bounds(op.period.start)
    end, _ = ctx.day_bounds(op.period.end)
    entries = sorted(await read_entries(ctx, start, end), key=lambda e: e.start, reverse=True)
    data = await ctx.refdata()
    if op.project is not None:
        target = await resolve_target(ctx, op.project, op.model_dump(mode="json"))
        if not isinstance(target, tuple):
            return target
        entries = [
            e for e in entries if e.project_id == target[0] and (target[1] is None or e.task_id == target[1])
        ]
    if op.tags:
        wanted = {n.lstrip("#").casefold() for n in op.tags}
        entries = [e for e in entries if wanted & {n.casefold() for n in data.tag_names(e.tag_ids)}]
    recent = await recent_entries(ctx, 0)
    handles = {e.id: i for i, e in enumerate(recent, start=1)}
    total = sum(clipped_seconds(e, start, end, ctx.now) for e in entries)
    shown = entries[:LIST_LIMIT]
    return EntriesShown(
        period_label=op.period.name,
        entries=[entry_view(e, data, ctx, handles.get(e.id)) for e in shown],
        total_seconds=total,
        truncated=len(entries) - len(shown),
        source={"kind": op.kind, **op.model_dump(mode="json", exclude_defaults=True)},
    )
