"""Card buttons of working hours: come/go/break on the clock card, and the fixes and gap buttons of `hours`.

Registered into `bot.features.card_actions.HANDLERS` (handler, whether the answer replaces the card the
button was on); the payload models are in `bot.views.verbs`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from bot.commands.timeparse import parse_period
from bot.features.respond import run_operation
from bot.i18n import Message
from bot.operations import Ambiguity, ClockIn, ClockOut, Hours, ParseFailure, Period, TakeBreak
from bot.routing.turn import Turn
from bot.service.outcomes import ClockShown, HoursShown, Outcome, Problem
from bot.service.picks import book_choices
from bot.views import verbs
from bot.views.verbs import AddBreakData, ClockData, GapData, GoData, HoursData
from cards import workinghours as cards

Result = Outcome | Ambiguity | ParseFailure


async def _come(turn: Turn, data: ClockData) -> Result:
    return await run_operation(turn, ClockIn(at=data.at), None)


async def _go(turn: Turn, data: GoData) -> Result:
    return await run_operation(turn, ClockOut(at=data.at, come_at=data.come_at), None)


async def _break_start(turn: Turn, data: ClockData) -> Result:
    return await run_operation(turn, TakeBreak(action="start", start=data.at), None)


async def _break_end(turn: Turn, data: ClockData) -> Result:
    return await run_operation(turn, TakeBreak(action="end", end=data.at), None)


async def _add_break(turn: Turn, data: AddBreakData) -> Result:
    """The "Add 15 min break" fix: insert it, then show that day's hours again with the result on top."""
    op = TakeBreak(action="insert", duration=timedelta(minutes=data.minutes), day=data.day)
    outcome = await run_operation(turn, op, None)
    if not isinstance(outcome, ClockShown):
        return outcome
    label = Message("parse.period.date", {"date": cards.day_period_label(data.day, turn.locale)})
    period = Period(start=data.day, end=data.day + timedelta(days=1), name=label, locale=turn.locale)
    shown = await run_operation(turn, Hours(period=period), None)
    if not isinstance(shown, HoursShown):
        return shown
    notice = outcome.notes[0] if outcome.notes else None
    if outcome.action == "refused":
        return HoursShown(shown.view, notice=notice)
    return HoursShown(shown.view, notice=notice, undo_token=outcome.undo_token)


async def _book_gap(turn: Turn, data: GapData) -> Result:
    """A gap button: pick the project, then the existing `pick_project` verb logs [start, end)."""
    if data.end <= data.start:
        return Problem("error.bad_card")
    ctx = await turn.user()
    if ctx is None:
        return Problem("error.no_identity")
    return await book_choices(ctx, data.start, data.end)


async def _hours(turn: Turn, data: HoursData) -> Result:
    ctx = await turn.user()
    if ctx is None:
        return Problem("error.no_identity")
    period = parse_period(data.period, ctx.parse_context)
    if period is None:
        return Problem("error.bad_card")
    return await run_operation(turn, Hours(period=period), None)


Handler = Callable[[Turn, Any], Awaitable[Result]]

HOURS_HANDLERS: dict[str, tuple[Handler, bool]] = {
    verbs.COME: (_come, True),
    verbs.GO: (_go, True),
    verbs.BREAK_START: (_break_start, True),
    verbs.BREAK_END: (_break_end, True),
    verbs.ADD_BREAK: (_add_break, True),
    verbs.BOOK_GAP: (_book_gap, False),
    verbs.HOURS: (_hours, True),
}
