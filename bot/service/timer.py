"""Timer operations: start (switching if one runs), stop, cancel, continue, status."""

from __future__ import annotations

from datetime import datetime, timedelta

from adapters.backend import Capability
from adapters.errors import CapabilityRefused, NotFound, ValidationFailed
from adapters.models import TimeEntry, TimeEntryDraft
from adapters.timer import TimerStartsLater, start_timer, stop_timer
from bot.operations import CancelTimer, ContinueEntry, EntryRef, StartTimer, Status, StopTimer
from bot.service import schedule
from bot.service.checks import ask_about_overlaps, check_times, nearby_entries
from bot.service.common import (
    entry_draft,
    entry_view,
    journal,
    read_entries,
    recent_entries,
    resolve_target,
    typed_differently,
    utc,
    wrote,
)
from bot.service.context import UserContext
from bot.service.outcomes import EntryChanged, NothingRunning, Outcome, Problem, Refusal, StatusShown
from bot.service.workinghours import clock_state
from bot.views.questions import WriteAction

BACKDATED = timedelta(minutes=1)  # a start further back than this is checked for overlaps


async def start(ctx: UserContext, op: StartTimer) -> Outcome:
    at = op.at or ctx.now
    asked = await _check_start(ctx, op, "start", at)
    if asked is not None:
        return asked
    target = await resolve_target(ctx, op.project, op.model_dump(mode="json"))
    if not isinstance(target, tuple):
        return target
    typed = typed_differently(op.project, target, await ctx.refdata())
    return await _begin(ctx, await entry_draft(ctx, op, target, at), "started", typed)


async def _check_start(
    ctx: UserContext, op: StartTimer | ContinueEntry, action: WriteAction, at: datetime
) -> Outcome | None:
    """The write checks for a timer from `at`; a backdated start also must not lie over finished entries
    (a plain `start` is now: nothing to read, so it stays one remote call)."""
    checked = check_times(ctx, op, action, at, None)
    if checked is not None or op.at is None or utc(at) > utc(ctx.now) - BACKDATED:
        return checked
    nearby = await nearby_entries(ctx, utc(at), utc(ctx.now))
    return await ask_about_overlaps(ctx, op, action, at, None, nearby, running_ok=True)


async def _begin(ctx: UserContext, draft: TimeEntryDraft, action: str, typed: str | None = None) -> Outcome:
    """Start `draft`, switching away from a running timer (the backend does it in as few calls as it can)."""
    try:
        started = await start_timer(ctx.backend, draft)
    except TimerStartsLater as exc:
        return _starts_later("service.before_running_start", ctx, draft.start, exc.running)
    if started.stopped is not None:
        wrote(ctx, started.stopped.id, started.stopped)
    token = await journal(ctx, "create", started.entry.id, None, started.entry, "start")
    await schedule.timer_started(ctx, started.entry)
    data = await ctx.refdata()
    return EntryChanged(
        action="started" if action == "started" else "continued",
        entry=entry_view(started.entry, data, ctx),
        undo_token=token,
        switched_from=entry_view(started.stopped, data, ctx) if started.stopped else None,
        typed=typed,
    )


def _starts_later(key: str, ctx: UserContext, at: datetime, running: TimeEntry) -> Problem:
    return Problem(
        key,
        {
            "time": at.astimezone(ctx.tz).strftime("%H:%M"),
            "start": running.start.astimezone(ctx.tz).strftime("%H:%M"),
        },
    )


async def stop(ctx: UserContext, op: StopTimer) -> Outcome:
    at = op.at or ctx.now
    running = await running_timer(ctx)
    if running is None:
        return NothingRunning()
    if at >= running.start:  # earlier: the backend's own refusal below names the timer's start
        checked = check_times(ctx, op, "stop", running.start, at, closes=True)
        if checked is not None:
            return checked
    try:
        stopped = await stop_timer(ctx.backend, at)
    except TimerStartsLater as exc:
        return _starts_later("service.stop_before_start", ctx, at, exc.running)
    if stopped is None:
        return NothingRunning()
    running = stopped.model_copy(update={"end": None})  # what undo restores: the timer, running again
    token = await journal(ctx, "update", stopped.id, running, stopped, "stop")
    return EntryChanged("stopped", entry_view(stopped, await ctx.refdata(), ctx), undo_token=token)


async def cancel(ctx: UserContext, op: CancelTimer) -> Outcome:
    running = await ctx.backend.current_timer()
    if running is None:
        return NothingRunning()
    await ctx.backend.delete_time_entry(running.id)
    token = await journal(ctx, "delete", running.id, running, None, "cancel")
    return EntryChanged("cancelled", entry_view(running, await ctx.refdata(), ctx), undo_token=token)


async def running_timer(ctx: UserContext) -> TimeEntry | None:
    """The running timer, from the person's fresh recent view when it has one (no remote call)."""
    now = utc(ctx.now)
    seen = ctx.services.recent.lookup(ctx.recent_key, now - timedelta(seconds=1), now, now)
    if seen is not None:
        return next((e for e in seen if e.running), None)
    return await ctx.backend.current_timer()


async def continue_entry(ctx: UserContext, op: ContinueEntry) -> Outcome:
    asked = await _check_start(ctx, op, "continue", op.at or ctx.now)
    if asked is not None:
        return asked
    source = await find_entry(ctx, op.ref, op.entry_id)
    if isinstance(source, Problem):
        return source
    draft = TimeEntryDraft(
        start=op.at or ctx.now,
        timezone=str(ctx.tz),
        project_id=source.project_id,
        task_id=source.task_id,
        tag_ids=list(source.tag_ids),
        description=source.description,
        billable=source.billable,
    )
    return await _begin(ctx, draft, "continued")


async def status(ctx: UserContext, op: Status) -> Outcome:
    start, end = ctx.day_bounds(ctx.today)
    # The protocol lists running entries that overlap the window, so a timer started before midnight is
    # among today's entries: one read, no separate "what is running?" round trip.
    entries = await read_entries(ctx, start, end)
    running = next((e for e in entries if e.running), None)
    total = sum(_clipped(e, start, end, ctx.now) for e in entries)
    data = await ctx.refdata()
    clock, degraded = None, None
    if Capability.WORKING_HOURS in ctx.backend.capabilities:
        try:
            clock = await clock_state(ctx)
        except CapabilityRefused as exc:  # off for this connection from now on: said this once, status stays
            degraded = Refusal(ctx.backend.kind, exc.capability)
    return StatusShown(
        running=entry_view(running, data, ctx) if running else None,
        today_seconds=total,
        today_entries=len(entries),
        clock=clock,
        degraded=degraded,
    )


def _clipped(entry: TimeEntry, start: datetime, end: datetime, now: datetime) -> int:
    """Seconds of `entry` inside [start, end): an entry crossing midnight counts on each day for its part."""
    entry_end = entry.end or now
    seconds = (min(entry_end, end) - max(entry.start, start)).total_seconds()
    return max(int(seconds), 0)


async def find_entry(ctx: UserContext, ref: EntryRef, entry_id: str | None) -> TimeEntry | Problem:
    if entry_id:
        try:
            return await ctx.backend.get_time_entry(entry_id)
        except NotFound:
            return Problem("service.entry_gone")
    if ref.written and ref.index == 1:
        last = await _written_last(ctx)
        if last is not None:
            return last
    entries = await recent_entries(ctx, ref.index)
    if len(entries) < ref.index:
        if not entries:
            return Problem("service.no_entries", hint_key="service.no_entries_hint")
        return Problem("service.no_such_entry", {"handle": f"@{ref.index}", "count": str(len(entries))})
    return entries[ref.index - 1]


async def _written_last(ctx: UserContext) -> TimeEntry | None:
    """The time entry the person wrote last and that still exists, from the undo journal (None when the
    journal has none: then `last` falls back to the entry starting last)."""
    gone: set[str] = set()
    for record in await ctx.services.store.undo_history(ctx.identity.tenant_id, ctx.identity.aad_object_id):
        if record.entity != "time_entry" or record.entity_id in gone:
            continue
        if record.action == "delete":
            gone.add(record.entity_id)
            continue
        try:
            return await ctx.backend.get_time_entry(record.entity_id)
        except (NotFound, ValidationFailed):  # deleted elsewhere, or an id of the tracker used before
            gone.add(record.entity_id)
    return None


clipped_seconds = _clipped
