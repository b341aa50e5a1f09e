"""The person's day as the reminders see it: their end of day and timer limit, as instants in their zone
(DST-correct: an end of day is their wall clock on that date), and the timer check the bot plans itself.

Small on purpose (the timer service imports it); `bot.service.reminders` decides what a due reminder says.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from adapters.models import TimeEntry
from bot.service.common import utc
from bot.service.context import UserContext
from bot.store.reminders import Kind
from bot.store.state import UserPrefs

END_OF_DAY = time(18, 0)
LONG_TIMER_HOURS = 10


def end_of_day(prefs: UserPrefs) -> time:
    if prefs.end_of_day:
        try:
            return time.fromisoformat(prefs.end_of_day)
        except ValueError:
            pass
    return END_OF_DAY


def long_timer(prefs: UserPrefs) -> timedelta:
    return timedelta(hours=prefs.long_timer_hours or LONG_TIMER_HOURS)


def end_of_day_at(day: date, tz: ZoneInfo, prefs: UserPrefs) -> datetime:
    """The instant the person's day ends: their wall clock on that date, in their zone (so 18:00 is 16:00
    UTC in Berlin's summer and 17:00 UTC in its winter)."""
    return datetime.combine(day, end_of_day(prefs), tzinfo=tz).astimezone(UTC)


def enabled(prefs: UserPrefs) -> list[Kind]:
    kinds: list[Kind] = []
    if prefs.remind_timer:
        kinds.append("timer")
    if prefs.remind_nudge:
        kinds.append("nudge")
    return kinds


def next_day(now: datetime, tz: ZoneInfo, prefs: UserPrefs) -> date:
    """The first local day whose end of day is still ahead."""
    today = now.astimezone(tz).date()
    return today if utc(now) < end_of_day_at(today, tz, prefs) else today + timedelta(days=1)


async def timer_started(ctx: UserContext, entry: TimeEntry) -> None:
    """A timer the bot started: look at it again when it reaches the person's limit, if that comes before
    the end of the day it belongs to (the end of day is checked anyway). A timer started after the end of
    day belongs to the next day."""
    reminders = ctx.services.reminders
    if reminders is None or not ctx.prefs.remind_timer:
        return
    now = ctx.services.clock()
    day = next_day(now, ctx.tz, ctx.prefs)
    due = min(end_of_day_at(day, ctx.tz, ctx.prefs), utc(entry.start) + long_timer(ctx.prefs))
    await reminders.plan(ctx.identity.tenant_id, ctx.identity.aad_object_id, "timer", day, max(due, now), now)
