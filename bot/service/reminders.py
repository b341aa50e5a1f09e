"""When to remind whom of what, in their own zone (DST-correct: days and ends of day are local wall-clock
times, turned into instants per day), and whether a due reminder is worth sending.

Two kinds, each at most once per person and local day (`bot.store.reminders`):
- `timer`: the timer still runs at the person's end of day (default 18:00), or has run longer than their
  limit (default 10 hours). Checked at the end of day, and earlier when the bot started the timer.
- `nudge`: a workday (Monday to Friday, or any day with clocked working hours) ends with nothing booked, or
  with less than half the clocked working time booked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from adapters.backend import Capability
from adapters.models import TimeEntry
from bot.service.common import entry_view, utc
from bot.service.context import UserContext
from bot.service.feed import open_events
from bot.service.outcomes import DayNudge, TimerReminder
from bot.service.schedule import end_of_day, end_of_day_at, long_timer
from bot.service.timer import clipped_seconds
from bot.views.reminders import DayNudgeView, TimerReminderView

STALE = timedelta(hours=6)  # a reminder due longer ago than this (the bot was down) is not sent any more
ACTIVE_AFTER_START = timedelta(minutes=15)  # "last activity" only counts this long after the timer started
FAR_LESS = 0.5  # booked below this share of clocked working time gets the nudge
COPY_LOOKBACK = 7  # days "Log like yesterday" looks back for a day with entries


@dataclass(frozen=True)
class Check:
    """What a due reminder comes to: a card to send, or when to look again (None: not today)."""

    outcome: TimerReminder | DayNudge | None = None
    again_at: datetime | None = None


async def check_timer(ctx: UserContext, day: date, last_active: datetime | None) -> Check:
    eod = end_of_day_at(day, ctx.tz, ctx.prefs)
    now = utc(ctx.now)
    if now > eod + STALE:
        return Check()
    running = await ctx.backend.current_timer()
    if running is None:
        return Check(again_at=eod if now < eod else None)
    long_at = running.start + long_timer(ctx.prefs)
    if now < eod and now < long_at:
        return Check(again_at=min(eod, long_at))
    view = TimerReminderView(
        entry=entry_view(running, await ctx.refdata(), ctx),
        reason="end_of_day" if now >= eod else "long",
        end_of_day=end_of_day(ctx.prefs),
        limit_hours=int(long_timer(ctx.prefs).total_seconds() // 3600),
        stop_at=_stop_at(running, eod, now, last_active, ctx.tz),
    )
    return Check(outcome=TimerReminder(view))


def _stop_at(
    running: TimeEntry, eod: datetime, now: datetime, last_active: datetime | None, tz: ZoneInfo
) -> datetime | None:
    """Their last activity (when it came well after the timer started), else the end of day; never in the
    future or before the timer started."""
    if last_active is not None and running.start + ACTIVE_AFTER_START <= last_active <= now:
        return last_active.astimezone(tz)
    if running.start < eod <= now:
        return eod.astimezone(tz)
    return None


async def check_nudge(ctx: UserContext, day: date) -> Check:
    eod = end_of_day_at(day, ctx.tz, ctx.prefs)
    now = utc(ctx.now)
    if now > eod + STALE:
        return Check()
    if now < eod:  # planned for an earlier end of day (the setting changed): the day is not over yet
        return Check(again_at=eod)
    start, end = (utc(b) for b in ctx.day_bounds(day))
    booked = sum(clipped_seconds(e, start, end, now) for e in await ctx.backend.list_time_entries(start, end))
    clocked = await _clocked(ctx, start, end, now)
    if day.weekday() >= 5 and not clocked:
        return Check()
    if booked > 0 and not (clocked and clocked >= 3600 and booked < clocked * FAR_LESS):
        return Check()
    view = DayNudgeView(
        day=day,
        booked_seconds=booked,
        clocked_seconds=clocked or None,
        copy_from=await _copy_source(ctx, day),
        feed_events=len(await open_events(ctx, start, end)),
    )
    return Check(outcome=DayNudge(view))


async def _clocked(ctx: UserContext, start: datetime, end: datetime, now: datetime) -> int:
    """Clocked working time that day (work minus breaks), where the backend keeps working hours."""
    if Capability.WORKING_HOURS not in ctx.backend.capabilities:
        return 0
    total = 0
    for entry in await ctx.backend.list_working_hours(start, end):
        seconds = max(0, int((min(entry.end or now, end) - max(entry.start, start)).total_seconds()))
        total += seconds if entry.type == "work" else -seconds if entry.type == "break" else 0
    return max(total, 0)


async def _copy_source(ctx: UserContext, day: date) -> date | None:
    """The last day before `day` (within a week) with finished entries: what "Log like yesterday" copies."""
    start, _ = ctx.day_bounds(day - timedelta(days=COPY_LOOKBACK))
    end, _ = ctx.day_bounds(day)
    entries = [e for e in await ctx.backend.list_time_entries(start, end) if e.end is not None]
    days = [e.start.astimezone(ctx.tz).date() for e in entries]
    return max((d for d in days if d < day), default=None)
