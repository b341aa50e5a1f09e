"""Working hours (come/go, breaks) and `hours`: clocked time against booked time, rules and balance.

A working day is a `WorkingHoursEntry` of type "work" (open while clocked in); a break is one of type "break"
inside a work interval. Every write is checked first (second `come`, `go` without `come`, a break outside
working time, overlaps) and refused with the fix offered as buttons, so stored data stays consistent.
Rules (`WorkingTimeRules`) only warn and suggest; nothing is deducted. Arithmetic is on UTC datetimes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from pydantic import BaseModel

from adapters.errors import Conflict, NotFound
from adapters.models import (
    TimeEntry,
    WorkingHoursDraft,
    WorkingHoursEntry,
    WorkingHoursPatch,
    WorkingTimeRules,
)
from bot.operations import ClockIn, ClockOut, Hours, Period, TakeBreak
from bot.service import intervals as iv
from bot.service.checks import check_moment, check_times
from bot.service.common import journal, utc
from bot.service.context import UserContext
from bot.service.outcomes import ClockAction, ClockShown, HoursShown, Outcome, Problem
from bot.store.state import UndoRecord
from bot.views import verbs
from bot.views.workinghours import ClockView, DayRow, Fix, HoursView, Note, WeekRow

DAY = timedelta(days=1)
SLACK = timedelta(minutes=1)  # "now" typed as a clock time may be up to a minute ahead of the clock
DEFAULT_COME = time(8, 0)
MIN_GAP = timedelta(minutes=5)  # shorter unassigned spans get no "Book" button
MAX_GAP_BUTTONS = 5
MAX_DAYS = 400


class HoursSnapshot(BaseModel):
    """The working-hours entries one write touched, as the undo journal stores them."""

    entries: list[WorkingHoursEntry] = []


# ---- small helpers ------------------------------------------------------------------------------------


def _hm(dt: datetime, ctx: UserContext) -> str:
    return dt.astimezone(ctx.tz).strftime("%H:%M")


def _dur(seconds: float) -> str:
    """A duration for a note's field, in whole seconds: the cards say it in the reader's words (one duration
    format for every reply, see `cards.format.duration`)."""
    return str(int(seconds))


def _bounds(ctx: UserContext, day: date, days: int = 1) -> tuple[datetime, datetime]:
    start, end = ctx.day_bounds(day, days)
    return utc(start), utc(end)


def _local_day(dt: datetime, ctx: UserContext) -> date:
    return dt.astimezone(ctx.tz).date()


def _end(entry: WorkingHoursEntry, now: datetime) -> datetime:
    return entry.end or max(now, entry.start)


@dataclass
class _Hours:
    """The user's working-hours entries around an instant."""

    items: list[WorkingHoursEntry]

    def of(self, kind: str) -> list[WorkingHoursEntry]:
        return sorted((e for e in self.items if e.type == kind), key=lambda e: e.start)

    def open(self, kind: str) -> WorkingHoursEntry | None:
        return next((e for e in self.of(kind) if e.end is None), None)


async def _around(ctx: UserContext, day: date, before: int = 2) -> _Hours:
    start, _ = _bounds(ctx, day - timedelta(days=before))
    _, end = _bounds(ctx, max(day, ctx.today) + DAY)
    return _Hours(await ctx.backend.list_working_hours(start, end))


def _snapshot(*entries: WorkingHoursEntry | None) -> HoursSnapshot:
    return HoursSnapshot(entries=[e for e in entries if e is not None])


async def _record(
    ctx: UserContext,
    before: Sequence[WorkingHoursEntry | None],
    after: Sequence[WorkingHoursEntry | None],
    description: str,
) -> str:
    old, new = _snapshot(*before), _snapshot(*after)
    ids_old, ids_new = {e.id for e in old.entries}, {e.id for e in new.entries}
    action: Literal["create", "update", "delete"] = (
        "create" if not ids_old else "delete" if not ids_new else "update"
    )
    entity_id = (new.entries or old.entries)[0].id
    return await journal(ctx, action, entity_id, old, new, description, entity="working_hours")


# ---- one day: clocked, breaks, booked, gaps, rules ----------------------------------------------------


@dataclass
class _Day:
    row: DayRow
    work: list[iv.Span]
    net: list[iv.Span]
    outside_seconds: int
    counted_break_seconds: int


def _compute_day(
    ctx: UserContext, day: date, hours: _Hours, entries: Sequence[TimeEntry], rules: WorkingTimeRules
) -> _Day:
    lo, hi = _bounds(ctx, day)
    now = utc(ctx.now)
    top = min(hi, now)
    work = iv.clip(((w.start, _end(w, now)) for w in hours.of("work")), lo, top)
    break_blocks = iv.intersect(iv.clip(((b.start, _end(b, now)) for b in hours.of("break")), lo, top), work)
    net = iv.subtract(work, break_blocks)
    booked = iv.clip(((e.start, e.end or now) for e in entries), lo, top)
    gaps = iv.subtract(net, booked)
    min_block = timedelta(minutes=rules.min_break_block_minutes)
    day_work = [w for w in hours.of("work") if w.start < hi and _end(w, now) > lo]
    first_in = min((w.start for w in day_work), default=None)
    still_in = any(w.end is None for w in day_work)
    last_out = None if still_in else max((w.end for w in day_work if w.end), default=None)
    row = DayRow(
        day=day,
        first_in=first_in.astimezone(ctx.tz) if first_in else None,
        last_out=last_out.astimezone(ctx.tz) if last_out else None,
        worked_seconds=iv.seconds(net),
        break_seconds=iv.seconds(break_blocks),
        booked_seconds=iv.seconds(booked),
        unassigned_seconds=iv.seconds(gaps),
        gaps=[(s.astimezone(ctx.tz), e.astimezone(ctx.tz)) for s, e in gaps if e - s >= MIN_GAP],
    )
    return _Day(
        row=row,
        work=work,
        net=net,
        outside_seconds=iv.seconds(iv.subtract(booked, net)),
        counted_break_seconds=iv.seconds(b for b in break_blocks if b[1] - b[0] >= min_block),
    )


def _rule_notes(
    ctx: UserContext, d: _Day, hours: _Hours, rules: WorkingTimeRules, *, with_day: bool
) -> list[Note]:
    if not rules.enabled or d.row.first_in is None:
        return []
    first = utc(d.row.first_in)
    row = d.row
    notes: list[Note] = []
    day_param = {"day": row.day.isoformat()} if with_day else {}
    prefix = "wh.rule.day." if with_day else "wh.rule."
    worked = row.worked_seconds
    required = 0
    if worked > rules.long_break_after_minutes * 60:
        required = rules.long_break_minutes * 60
    elif worked > rules.break_after_minutes * 60:
        required = rules.break_minutes * 60
    if required and d.counted_break_seconds < required:
        missing_minutes = -(-(required - d.counted_break_seconds) // 60)
        notes.append(
            Note(
                prefix + "break",
                {
                    **day_param,
                    "worked": _dur(worked),
                    "required": _dur(required),
                    "taken": _dur(d.counted_break_seconds),
                },
                [
                    Fix(
                        "wh.fix.add_break",
                        {"length": _dur(missing_minutes * 60)},
                        verbs.ADD_BREAK,
                        {"minutes": missing_minutes, "day": row.day.isoformat()},
                    )
                ],
            )
        )
    if worked > rules.max_daily_minutes * 60:
        notes.append(
            Note(
                prefix + "max_daily",
                {**day_param, "worked": _dur(worked), "max": _dur(rules.max_daily_minutes * 60)},
            )
        )
    now = utc(ctx.now)
    previous_end = max(
        (_end(w, now) for w in hours.of("work") if w.start < first and _end(w, now) <= first), default=None
    )
    if previous_end is not None and first - previous_end < timedelta(minutes=rules.min_rest_minutes):
        previous_day = _local_day(previous_end, ctx)
        if previous_day != row.day:  # a second interval on the same day is a break, not a rest period
            notes.append(
                Note(
                    prefix + "rest",
                    {
                        **day_param,
                        "rest": _dur((first - previous_end).total_seconds()),
                        "min": _dur(rules.min_rest_minutes * 60),
                    },
                )
            )
    return notes


def _rules(ctx: UserContext) -> WorkingTimeRules:
    return ctx.backend.workspace.settings.working_time_rules


async def _clock(ctx: UserContext, hours: _Hours | None = None, day: date | None = None) -> ClockView:
    """Where the person stands now, with the worked time of `day` (default today: a write on an earlier
    day shows that day, so a fixed clock-in is seen where it landed)."""
    day = day or ctx.today
    hours = hours or await _around(ctx, day, before=1)
    now = utc(ctx.now)
    open_work, open_break = hours.open("work"), hours.open("break")
    d = _compute_day(ctx, day, hours, [], _rules(ctx))
    state: Literal["out", "in", "break"] = "out"
    since = None
    if open_work is not None and open_work.start <= now:
        state, since = "in", open_work.start
        if open_break is not None and open_break.start <= now:
            state, since = "break", open_break.start
    return ClockView(
        state=state,
        since=since.astimezone(ctx.tz) if since else None,
        day=day,
        worked_seconds=d.row.worked_seconds,
        break_seconds=d.row.break_seconds,
        first_in=d.row.first_in,
        last_out=d.row.last_out,
        today=ctx.today,
    )


async def clock_state(ctx: UserContext) -> ClockView:
    """The working-hours state for `status` (one query)."""
    return await _clock(ctx)


async def _shown(
    ctx: UserContext,
    action: ClockAction,
    token: str | None = None,
    notes: list[Note] | None = None,
    day: date | None = None,
) -> ClockShown:
    clock = await _clock(ctx, day=day)
    return ClockShown(action=action, clock=clock, undo_token=token, notes=notes or [])


async def _refuse(
    ctx: UserContext, key: str, params: dict[str, str], fixes: list[Fix] | None = None
) -> Outcome:
    return await _shown(ctx, "refused", notes=[Note(key, params, fixes or [])])


async def _day_notes(ctx: UserContext, day: date) -> list[Note]:
    hours = await _around(ctx, day)
    lo, hi = _bounds(ctx, day)
    entries = await ctx.backend.list_time_entries(lo, hi)
    rules = _rules(ctx)
    return _rule_notes(
        ctx, _compute_day(ctx, day, hours, entries, rules), hours, rules, with_day=day != ctx.today
    )


def _fix_come(locale_key: str = "wh.fix.come") -> Fix:
    return Fix(locale_key, {}, verbs.COME)


def _at(op_at: datetime | None, ctx: UserContext) -> datetime:
    return utc(op_at or ctx.now)


# ---- come / go ----------------------------------------------------------------------------------------


async def clock_in(ctx: UserContext, op: ClockIn) -> Outcome:
    at, now = _at(op.at, ctx), utc(ctx.now)
    checked = check_times(ctx, op, "come", at, None)
    if checked is not None:
        return checked
    hours = await _around(ctx, _local_day(at, ctx))
    open_work = hours.open("work")
    if open_work is not None:
        since = _hm(open_work.start, ctx)
        if _local_day(open_work.start, ctx) == ctx.today:
            open_break = hours.open("break")
            if open_break is not None:  # "come" back from a break means its end: offered, not guessed
                fix = Fix("wh.fix.break_end", {}, verbs.BREAK_END)
                return await _refuse(ctx, "wh.come_on_break", {"since": _hm(open_break.start, ctx)}, [fix])
            return await _refuse(ctx, "wh.already_in", {"since": since}, [Fix("wh.fix.go", {}, verbs.GO)])
        suggested = min(
            open_work.start + timedelta(hours=8), _bounds(ctx, _local_day(open_work.start, ctx))[1] - SLACK
        )
        return await _refuse(
            ctx,
            "wh.still_in",
            {"day": _local_day(open_work.start, ctx).isoformat(), "since": since},
            [
                Fix(
                    "wh.fix.go_at",
                    {"time": _hm(suggested, ctx)},
                    verbs.GO,
                    {"at": suggested.isoformat()},
                )
            ],
        )
    clash = next((w for w in hours.of("work") if w.start <= at < _end(w, now)), None)
    if clash is not None:
        return await _refuse(
            ctx, "wh.overlap", {"start": _hm(clash.start, ctx), "end": _hm(_end(clash, now), ctx)}
        )
    later = next((w for w in hours.of("work") if w.start > at), None)
    if later is not None:  # a forgotten clock-in before a day already recorded: an open one would span it
        return await _refuse_open_before(ctx, at, later)
    entry = await ctx.backend.create_working_hours(
        WorkingHoursDraft(start=at, type="work", timezone=str(ctx.tz))
    )
    token = await _record(ctx, [], [entry], "come")
    day = _local_day(at, ctx)
    return await _shown(ctx, "came", token, await _day_notes(ctx, day), day=day)


async def _refuse_open_before(ctx: UserContext, at: datetime, later: WorkingHoursEntry) -> Outcome:
    """`come` before working time already recorded: offer the whole interval instead, ending after a usual
    day, before the next interval and before that day's end."""
    day_end = _bounds(ctx, _local_day(at, ctx))[1] - SLACK
    end = min(at + timedelta(hours=8), later.start, day_end, utc(ctx.now))
    fixes = []
    if end > at:
        fixes.append(
            Fix(
                "wh.fix.record_day",
                {"day": _local_day(at, ctx).isoformat(), "start": _hm(at, ctx), "end": _hm(end, ctx)},
                verbs.GO,
                {"come_at": at.isoformat(), "at": end.isoformat()},
            )
        )
    params = {"time": _hm(at, ctx), "day": _local_day(later.start, ctx).isoformat()}
    params |= {"start": _hm(later.start, ctx), "end": _hm(_end(later, utc(ctx.now)), ctx)}
    return await _refuse(ctx, "wh.come_before_later", params, fixes)


async def clock_out(ctx: UserContext, op: ClockOut) -> Outcome:
    at = _at(op.at, ctx)
    if op.come_at is None:
        checked = check_moment(ctx, op, "go", at)  # the time itself; its length once `come` is known
        if checked is not None:
            return checked
    day = _local_day(at, ctx)
    hours = await _around(ctx, day)
    work = hours.open("work")
    if work is None:
        if op.come_at is not None:
            return await _record_interval(ctx, op, hours, utc(op.come_at), at)
        return await _not_clocked_in(ctx, hours, day, at)
    if at <= work.start:
        return Problem("wh.out_before_in", {"time": _hm(at, ctx), "since": _hm(work.start, ctx)})
    checked = check_times(ctx, op, "go", work.start, at, closes=True)
    if checked is not None:
        return checked
    open_break = hours.open("break")
    closed_break = None
    if open_break is not None:
        if open_break.start >= at:
            return await _refuse(ctx, "wh.out_during_break", {"since": _hm(open_break.start, ctx)})
        closed_break = await ctx.backend.update_working_hours(open_break.id, WorkingHoursPatch(end=at))
    closed = await ctx.backend.update_working_hours(work.id, WorkingHoursPatch(end=at))
    token = await _record(ctx, [work, open_break], [closed, closed_break], "go")
    notes = await _day_notes(ctx, day)
    start_day = _local_day(work.start, ctx)
    if start_day != day:
        notes = await _day_notes(ctx, start_day) + notes
    return await _shown(ctx, "went", token, notes, day=day)


async def _not_clocked_in(ctx: UserContext, hours: _Hours, day: date, at: datetime) -> Outcome:
    lo, hi = _bounds(ctx, day)
    earlier = [w.end for w in hours.of("work") if w.end is not None and lo <= w.end < hi]
    if earlier:
        return await _refuse(
            ctx, "wh.already_out", {"time": _hm(max(earlier), ctx)}, [_fix_come("wh.fix.come_again")]
        )
    entries = await ctx.backend.list_time_entries(lo, hi)
    starts = [e.start for e in entries if lo <= e.start < at]
    come_at = min(starts) if starts else utc(datetime.combine(day, DEFAULT_COME, tzinfo=ctx.tz))
    fixes = [_fix_come()]
    if come_at < at:
        fixes.insert(
            0,
            Fix(
                "wh.fix.in_and_out",
                {"start": _hm(come_at, ctx), "end": _hm(at, ctx)},
                verbs.GO,
                {"come_at": come_at.isoformat(), "at": at.isoformat()},
            ),
        )
    return await _refuse(ctx, "wh.not_in", {}, fixes)


async def _record_interval(
    ctx: UserContext, op: ClockOut, hours: _Hours, start: datetime, end: datetime
) -> Outcome:
    if end <= start:
        return Problem("wh.out_before_in", {"time": _hm(end, ctx), "since": _hm(start, ctx)})
    checked = check_times(ctx, op, "go", start, end)
    if checked is not None:
        return checked
    now = utc(ctx.now)
    clash = next((w for w in hours.of("work") if w.start < end and _end(w, now) > start), None)
    if clash is not None:
        return await _refuse(
            ctx, "wh.overlap", {"start": _hm(clash.start, ctx), "end": _hm(_end(clash, now), ctx)}
        )
    entry = await ctx.backend.create_working_hours(
        WorkingHoursDraft(start=start, end=end, type="work", timezone=str(ctx.tz))
    )
    token = await _record(ctx, [], [entry], "go")
    day = _local_day(end, ctx)
    return await _shown(ctx, "went", token, await _day_notes(ctx, day), day=day)


# ---- breaks -------------------------------------------------------------------------------------------


async def take_break(ctx: UserContext, op: TakeBreak) -> Outcome:
    if op.action == "end":
        return await _end_break(ctx, op)
    if op.action == "start" and op.duration is None and op.end is None:
        return await _start_break(ctx, op)
    return await _insert_break(ctx, op)


async def _start_break(ctx: UserContext, op: TakeBreak) -> Outcome:
    at, now = _at(op.start, ctx), utc(ctx.now)
    checked = check_times(ctx, op, "break", at, None)
    if checked is not None:
        return checked
    hours = await _around(ctx, _local_day(at, ctx))
    work = hours.open("work")
    if work is None:
        return await _refuse(ctx, "wh.break_not_in", {}, [_fix_come()])
    if at < work.start:
        return await _refuse(ctx, "wh.break_before_in", {"time": _hm(at, ctx), "since": _hm(work.start, ctx)})
    open_break = hours.open("break")
    if open_break is not None:
        return await _refuse(
            ctx,
            "wh.already_on_break",
            {"since": _hm(open_break.start, ctx)},
            [Fix("wh.fix.break_end", {}, verbs.BREAK_END)],
        )
    clash = next((b for b in hours.of("break") if b.end is not None and b.end > at), None)
    if clash is not None:
        return await _refuse(
            ctx, "wh.break_overlap", {"start": _hm(clash.start, ctx), "end": _hm(_end(clash, now), ctx)}
        )
    entry = await ctx.backend.create_working_hours(
        WorkingHoursDraft(start=at, type="break", timezone=str(ctx.tz))
    )
    token = await _record(ctx, [], [entry], "break")
    return await _shown(ctx, "break_started", token)


async def _end_break(ctx: UserContext, op: TakeBreak) -> Outcome:
    at = _at(op.end, ctx)
    checked = check_moment(ctx, op, "break", at)
    if checked is not None:
        return checked
    hours = await _around(ctx, ctx.today)
    open_break = hours.open("break")
    if open_break is None:
        fixes = [Fix("wh.fix.break_start", {}, verbs.BREAK_START)] if hours.open("work") else [_fix_come()]
        return await _refuse(ctx, "wh.no_open_break", {}, fixes)
    if at <= open_break.start:
        return Problem(
            "wh.break_end_before_start", {"time": _hm(at, ctx), "since": _hm(open_break.start, ctx)}
        )
    checked = check_times(ctx, op, "break", open_break.start, at, closes=True)
    if checked is not None:
        return checked
    closed = await ctx.backend.update_working_hours(open_break.id, WorkingHoursPatch(end=at))
    token = await _record(ctx, [open_break], [closed], "break end")
    return await _shown(ctx, "break_ended", token, await _day_notes(ctx, _local_day(at, ctx)))


async def _insert_break(ctx: UserContext, op: TakeBreak) -> Outcome:
    now = utc(ctx.now)
    day = op.day or _local_day(op.start or op.end or ctx.now, ctx)
    hours = await _around(ctx, day)
    span = _place_break(ctx, op, hours, day)
    if isinstance(span, Note):
        return await _refuse(ctx, span.key, span.params)
    start, end = span
    checked = check_times(ctx, op, "break", start, end)
    if checked is not None:
        return checked
    inside = next((w for w in hours.of("work") if w.start <= start and _end(w, now) >= end), None)
    if inside is None:
        return await _refuse(
            ctx,
            "wh.break_outside",
            {"start": _hm(start, ctx), "end": _hm(end, ctx)},
            _break_outside_fixes(hours),
        )
    clash = next((b for b in hours.of("break") if b.start < end and _end(b, now) > start), None)
    if clash is not None:
        return await _refuse(
            ctx, "wh.break_overlap", {"start": _hm(clash.start, ctx), "end": _hm(_end(clash, now), ctx)}
        )
    entry = await ctx.backend.create_working_hours(
        WorkingHoursDraft(start=start, end=end, type="break", timezone=str(ctx.tz))
    )
    token = await _record(ctx, [], [entry], "break")
    notes = [Note("wh.break_added", {"start": _hm(start, ctx), "end": _hm(end, ctx)})]
    day = _local_day(start, ctx)
    return await _shown(ctx, "break_added", token, notes + await _day_notes(ctx, day), day=day)


def _break_outside_fixes(hours: _Hours) -> list[Fix]:
    return [] if hours.open("work") else [_fix_come()]


def _place_break(ctx: UserContext, op: TakeBreak, hours: _Hours, day: date) -> iv.Span | Note:
    start = utc(op.start) if op.start else None
    end = utc(op.end) if op.end else None
    length = op.duration
    if start and end:
        return start, end
    if length is None:
        return Note("wh.break_needs_time")
    if start:
        return start, start + length
    if end:
        return end - length, end
    if op.day is None:
        now = utc(ctx.now)
        return now - length, now
    # a suggested break: in the middle of the day's longest stretch of work without a break
    d = _compute_day(ctx, day, hours, [], _rules(ctx))
    stretches = sorted(d.net, key=lambda s: (s[1] - s[0], s[0]), reverse=True)
    if not stretches or stretches[0][1] - stretches[0][0] < length:
        return Note("wh.break_no_room", {"length": _dur(length.total_seconds())})
    lo, hi = stretches[0]
    middle = lo + (hi - lo - length) / 2
    rounded = middle - timedelta(
        minutes=middle.minute % 5, seconds=middle.second, microseconds=middle.microsecond
    )
    begin = rounded if rounded >= lo else middle
    return begin, begin + length


# ---- hours --------------------------------------------------------------------------------------------


def _daily_target(ctx: UserContext, day: date) -> int:
    weekly = ctx.backend.workspace.settings.weekly_target_minutes * 60
    return weekly // 5 if day.weekday() < 5 else 0


async def hours(ctx: UserContext, op: Hours) -> Outcome:
    return HoursShown(await hours_view(ctx, op.period))


async def hours_view(ctx: UserContext, period: Period) -> HoursView:
    first = period.start
    last = min(period.end, ctx.today + DAY, period.start + timedelta(days=MAX_DAYS))
    lo, _ = _bounds(ctx, first)
    hi, _ = _bounds(ctx, max(last, first))
    hours = _Hours(await ctx.backend.list_working_hours(lo - 2 * DAY, max(hi, lo)))
    entries = await ctx.backend.list_time_entries(lo, hi) if hi > lo else []
    rules = _rules(ctx)
    rows: list[DayRow] = []
    warnings: list[Note] = []
    totals = {"worked": 0, "break": 0, "booked": 0, "gap": 0, "outside": 0, "target": 0}
    weeks: dict[date, list[int]] = {}
    multi = period.end - period.start > DAY
    day = first
    while day < last:
        d = _compute_day(ctx, day, hours, entries, rules)
        target = _daily_target(ctx, day)
        r = d.row
        totals["worked"] += r.worked_seconds
        totals["break"] += r.break_seconds
        totals["booked"] += r.booked_seconds
        totals["gap"] += r.unassigned_seconds
        totals["outside"] += d.outside_seconds
        totals["target"] += target
        week = weeks.setdefault(day - timedelta(days=day.weekday()), [0, 0])
        week[0] += r.worked_seconds
        week[1] += target
        if r.worked_seconds or r.booked_seconds or d.work:
            rows.append(r)
        warnings += _rule_notes(ctx, d, hours, rules, with_day=multi)
        day += DAY
    week_rows = (
        [
            WeekRow(
                label=f"{s.isocalendar().year}-W{s.isocalendar().week:02d}",
                start=s,
                worked_seconds=w,
                target_seconds=t,
            )
            for s, (w, t) in sorted(weeks.items())
        ]
        if period.end - period.start > timedelta(days=7)
        else []
    )
    return HoursView(
        period_label=period.name,
        start=period.start,
        end=period.end,
        days=rows,
        worked_seconds=totals["worked"],
        break_seconds=totals["break"],
        booked_seconds=totals["booked"],
        unassigned_seconds=totals["gap"],
        booked_outside_seconds=totals["outside"],
        target_seconds=totals["target"],
        weeks=week_rows,
        warnings=warnings,
        partial=period.end > ctx.today + DAY,
    )


# ---- undo ---------------------------------------------------------------------------------------------


async def undo(ctx: UserContext, record: UndoRecord) -> Outcome:
    """Put the touched working-hours entries back as they were before the write (itself undoable)."""
    before = {e.id: e for e in HoursSnapshot.model_validate(record.before or {}).entries}
    after = {e.id: e for e in HoursSnapshot.model_validate(record.after or {}).entries}
    now_state: list[WorkingHoursEntry] = []
    restored: list[WorkingHoursEntry] = []
    try:
        for entry_id in [i for i in after if i not in before]:
            await ctx.backend.delete_working_hours(entry_id)
            now_state.append(after[entry_id])
        for entry_id in [i for i in after if i in before]:
            old = before[entry_id]
            restored.append(
                await ctx.backend.update_working_hours(
                    entry_id, WorkingHoursPatch(start=old.start, end=old.end, type=old.type)
                )
            )
            now_state.append(after[entry_id])
        for entry_id in [i for i in before if i not in after]:
            old = before[entry_id]
            restored.append(
                await ctx.backend.create_working_hours(
                    WorkingHoursDraft(start=old.start, end=old.end, type=old.type, timezone=old.timezone)
                )
            )
    except NotFound:
        return Problem("service.entry_gone")
    except Conflict:
        return Problem("service.undo_conflict", hint_key="service.undo_conflict_hint")
    token = await _record(ctx, now_state, restored, "undo")
    return await _shown(ctx, "restored", token)
