"""Typed commands: text (after @mention and HTML stripping) → operation → service → card."""

from __future__ import annotations

from bot.activity import OutgoingMessage, TurnResult
from bot.commands import clean_text, parse
from bot.features.files import deliver_report
from bot.features.respond import render, run_operation
from bot.routing.filters import HasCardVerb, HasText, IsMessage
from bot.routing.router import Router
from bot.routing.turn import Turn
from bot.service.outcomes import Problem, ReportReady

router = Router("commands")


async def text_command(turn: Turn) -> TurnResult:
    text = clean_text(turn.activity.text)
    ctx = await turn.user()
    if ctx is None:
        card = render(turn, Problem("error.no_identity"))
    else:
        outcome = await run_operation(turn, parse(text, ctx.parse_context), retry_command=text or None)
        if isinstance(outcome, ReportReady):
            return await deliver_report(turn, outcome)
        card = render(turn, outcome)
    return TurnResult(messages=[OutgoingMessage(card=card)])


router.add(IsMessage & HasText & ~HasCardVerb, text_command)
