"""One policy for the times of every write (log, start, stop, edit, come, go, break, the forms): checked
before anything is written, so a typo never becomes a silent wrong entry.

- A start or end more than a few minutes in the future is refused with the reason; within `SKEW` (clocks
  disagree by that much) the person is asked: use now, or keep the time.
- An end at or before its start is refused; a typed span over a day is refused.
- A span that crosses midnight and runs longer than `LONG` is most likely a reversed range (`log 10-9`): asked
  "09:00–10:00, or overnight until 09:00 tomorrow?".
- Anything else longer than `LONG` is asked about once; closing an open timer or working day (stop, go) is
  only ever asked, never refused, or the forgotten timer could not be stopped at all.
- Time entries overlapping others are asked about with those entries named (`overlap_question`).

A question is a `WriteQuestion` whose options are complete operations (JSON) that the card's buttons run;
the operation an option runs carries what the person accepted in `allow`, so it is not asked again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from adapters.models import TimeEntry
from bot.operations import (
    Allowance,
    ClockIn,
    ClockOut,
    ContinueEntry,
    EditEntry,
    LogEntry,
    Op,
    StartTimer,
    StopTimer,
    TakeBreak,
)
from bot.service.common import entry_view, read_entries, utc
from bot.service.context import UserContext
from bot.service.outcomes import Problem
from bot.service.refdata import RefData
from bot.views.questions import WriteAction, WriteOption, WriteQuestion

LONG = timedelta(hours=12)
SKEW = timedelta(minutes=5)
MAX_SPAN = timedelta(hours=24)
MAX_NAMED = 4  # overlapping entries named on the question card
NEARBY = 3  # entries read to learn whether a write overlaps anything
MIN_OVERLAP = timedelta(minutes=1)

WriteOp = LogEntry | StartTimer | ContinueEntry | StopTimer | EditEntry | ClockIn | ClockOut | TakeBreak


def _hm(dt: datetime, ctx: UserContext) -> str:
    return dt.astimezone(ctx.tz).strftime("%H:%M")


def allowing(op: WriteOp, *more: Allowance) -> WriteOp:
    """`op` with more accepted warnings (what an option's button runs)."""
    return op.model_copy(update={"allow": sorted({*op.allow, *more})})


def retimed(op: WriteOp, start: datetime, end: datetime | None, ctx: UserContext) -> WriteOp:
    """`op` recording [start, end) instead (start or end alone for the ops that take one time)."""
    start, end = start.astimezone(ctx.tz), end.astimezone(ctx.tz) if end else None
    update: dict[str, Any]
    match op:
        case LogEntry():
            update = {"start": start, "end": end, "duration": None, "day": None}
        case EditEntry():
            update = {"start": start, "end": end, "duration": None, "day": start.date()}
        case StartTimer() | ContinueEntry() | ClockIn():
            update = {"at": start}
        case StopTimer():
            update = {"at": end}
        case ClockOut():
            update = {"at": end, "come_at": start if op.come_at is not None else None}
        case TakeBreak(action="end"):
            update = {"end": end}
        case TakeBreak(action="start"):
            update = {"start": start}
        case TakeBreak():
            update = {"start": start, "end": end, "duration": None, "day": None}
    return op.model_copy(update=update)


def _json(op: Op) -> dict[str, Any]:
    return op.model_dump(mode="json")


def _option(
    kind: str, op: Op | None, ctx: UserContext, start: datetime | None, end: datetime | None
) -> WriteOption:
    return WriteOption(
        kind=kind,  # type: ignore[arg-type]
        op=_json(op) if op is not None else None,
        start=start.astimezone(ctx.tz) if start else None,
        end=end.astimezone(ctx.tz) if end else None,
    )


def check_times(
    ctx: UserContext,
    op: WriteOp,
    action: WriteAction,
    start: datetime,
    end: datetime | None,
    *,
    closes: bool = False,
) -> WriteQuestion | Problem | None:
    """None when [start, end) may be written as it is; else the refusal or the question. `end` None: an open
    timer or working day from `start`; `closes`: `end` closes one that is open (stop, go, break end)."""
    now = utc(ctx.now)
    start, end = utc(start), utc(end) if end else None
    allow = set(op.allow)
    if end is not None and (end < start or (end == start and not closes)):
        return Problem("service.end_before_start", {"start": _hm(start, ctx), "end": _hm(end, ctx)})
    length = (end or now) - start
    if end is not None and not closes and length > LONG and "overnight" not in allow:
        reversed_range = _reversed(ctx, op, action, start, end, now)
        if reversed_range is not None:
            return reversed_range
    if end is not None and not closes and length > MAX_SPAN:
        return Problem("service.too_long", {"hours": "24"})
    ahead = check_moment(ctx, op, action, start, end)
    if ahead is not None:
        return ahead
    if length <= LONG or allow & {"long", "overnight"}:
        return None
    if end is None and action == "come" and start.astimezone(ctx.tz).date() < ctx.today:
        return None  # clocking in on a past day to fix it: `go … yesterday` closes it next
    keep = _option("keep", allowing(op, "long"), ctx, start, end)
    return _question(ctx, "long", action, start, end, [keep])


def check_moment(
    ctx: UserContext, op: WriteOp, action: WriteAction, start: datetime, end: datetime | None = None
) -> WriteQuestion | Problem | None:
    """Only the future: a start or end more than `SKEW` ahead is refused, a few minutes ahead asked."""
    now = utc(ctx.now)
    start, end = utc(start), utc(end) if end else None
    if start > now + SKEW:
        return Problem("check.starts_in_future", {"time": _hm(start, ctx), "now": _hm(now, ctx)})
    if end is not None and end > now + SKEW:
        return Problem(
            "check.ends_in_future",
            {"time": _hm(end, ctx), "now": _hm(now, ctx)},
            hint_key="check.ends_in_future_hint",
        )
    if max(start, end or start) <= now or "soon" in op.allow:
        return None
    earlier = min(start, now)
    used_now = retimed(op, earlier, now if end else None, ctx)
    options = [
        _option("now", allowing(used_now), ctx, earlier, now if end else None),
        _option("keep", allowing(op, "soon"), ctx, start, end),
    ]
    return _question(ctx, "soon", action, start, end, options)


def _reversed(
    ctx: UserContext, op: WriteOp, action: WriteAction, start: datetime, end: datetime, now: datetime
) -> WriteQuestion | None:
    """A span over midnight longer than `LONG` reads like a reversed range (`log 10-9`): ask whether the
    times were swapped, or whether it really runs overnight (offered only when that has already ended)."""
    local_start, local_end = start.astimezone(ctx.tz), end.astimezone(ctx.tz)
    if local_end.date() <= local_start.date():
        return None
    swapped_start = utc(datetime.combine(local_start.date(), local_end.time(), tzinfo=ctx.tz))
    if swapped_start >= start:
        return None
    options = [_option("swap", retimed(op, swapped_start, start, ctx), ctx, swapped_start, start)]
    if end <= now + SKEW:
        options.append(_option("overnight", allowing(op, "overnight", "long"), ctx, start, end))
    return _question(ctx, "reversed", action, start, end, options)


async def nearby_entries(ctx: UserContext, start: datetime, end: datetime) -> list[TimeEntry]:
    """Entries overlapping [start, end): from the person's recent view when it is fresh (no remote call),
    else a read of only a few: enough to know whether anything overlaps (one remote call, one round trip)."""
    seen = ctx.services.recent.lookup(ctx.recent_key, start, end, ctx.now)
    if seen is not None:
        return seen[:NEARBY]
    return await ctx.backend.list_time_entries(start, end, limit=NEARBY)


async def ask_about_overlaps(
    ctx: UserContext,
    op: WriteOp,
    action: WriteAction,
    start: datetime,
    end: datetime | None,
    nearby: Sequence[TimeEntry],
    *,
    exclude: str | None = None,
    running_ok: bool = False,
) -> WriteQuestion | None:
    """The question to ask when [start, end) (end None: up to now) lies over other entries of the person's;
    None when nothing overlaps or the person already chose to keep both. `running_ok`: a running timer does
    not count (a start switches away from it). Only when something overlaps is the whole day read, so
    every overlapping entry can be named and "after my last entry" placed."""
    if "overlap" in op.allow:
        return None
    now = utc(ctx.now)
    start, end = utc(start), utc(end) if end else None
    upto = end or now

    def counts(entry: TimeEntry) -> bool:
        if entry.id == exclude or (running_ok and entry.running):
            return False
        shared = min(upto, entry.end or now) - max(start, entry.start)
        return (
            shared >= MIN_OVERLAP
        )  # seconds at a boundary (a stop and a log at the same minute) are no overlap

    if not any(counts(e) for e in nearby):
        return None
    day_start, day_end = (utc(b) for b in ctx.day_bounds(start.astimezone(ctx.tz).date()))
    lo, hi = min(day_start, start), max(day_end, upto)
    around = ctx.services.recent.lookup(ctx.recent_key, lo, hi, ctx.now)
    if around is None:
        around = await read_entries(ctx, lo, hi)
    overlapping = [e for e in around if counts(e)]
    if not overlapping:
        return None
    day = [e for e in around if e.id != exclude and not (running_ok and e.running) and e.start < day_end]
    return overlap_question(ctx, op, action, start, end, overlapping, day, await ctx.refdata())


def overlap_question(
    ctx: UserContext,
    op: WriteOp,
    action: WriteAction,
    start: datetime,
    end: datetime | None,
    overlapping: Sequence[TimeEntry],
    day_entries: Sequence[TimeEntry],
    data: RefData,
) -> WriteQuestion | None:
    """Ask before writing over other entries (they are named, "No project" included): place it after the
    last entry of that day (when that still ends by now), keep both, or cancel."""
    if not overlapping or "overlap" in op.allow:
        return None
    now = utc(ctx.now)
    start, end = utc(start), utc(end) if end else None
    options: list[WriteOption] = []
    finished = [e.end for e in day_entries if e.end is not None]
    last_end = max(finished, default=None)
    if last_end is not None and all(e.end is not None for e in day_entries):
        length = (end - start) if end is not None else None
        after_end = last_end + length if length is not None else None
        if last_end > start and (after_end is None or after_end <= now):
            moved = retimed(op, last_end, after_end, ctx)
            options.append(_option("after", moved, ctx, last_end, after_end))
    options.append(_option("both", allowing(op, "overlap"), ctx, start, end))
    ordered = sorted(overlapping, key=lambda e: e.start)
    return WriteQuestion(
        reason="overlap",
        action=action,
        start=start.astimezone(ctx.tz),
        end=end.astimezone(ctx.tz) if end else None,
        today=ctx.today,
        options=options,
        overlaps=[entry_view(e, data, ctx) for e in ordered[:MAX_NAMED]],
        more_overlaps=max(0, len(ordered) - MAX_NAMED),
    )


def _question(
    ctx: UserContext,
    reason: str,
    action: WriteAction,
    start: datetime,
    end: datetime | None,
    options: list[WriteOption],
) -> WriteQuestion:
    return WriteQuestion(
        reason=reason,  # type: ignore[arg-type]
        action=action,
        start=start.astimezone(ctx.tz),
        end=end.astimezone(ctx.tz) if end else None,
        today=ctx.today,
        options=options,
        now=ctx.now,
    )


def day_of(dt: datetime, ctx: UserContext) -> date:
    return dt.astimezone(ctx.tz).date()
