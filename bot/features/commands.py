"""Typed commands: text (after @mention and HTML stripping) → operation → service → card."""

from __future__ import annotations

from bot.activity import OutgoingMessage, TurnResult
from bot.commands import clean_text
from bot.features import signin
from bot.features.reports import deliver_report
from bot.features.respond import render, run_text
from bot.routing.filters import HasCardVerb, HasText, IsMessage
from bot.routing.router import Router
from bot.routing.turn import Turn
from bot.service.outcomes import ReportReady, SignInPrompt

router = Router("commands")


async def text_command(turn: Turn) -> TurnResult:
    outcome = await run_text(turn, turn.activity.text)
    if isinstance(outcome, ReportReady):
        return await deliver_report(turn, outcome)
    if isinstance(outcome, SignInPrompt):
        command = clean_text(turn.activity.text) if outcome.resume else None
        return await signin.prompt(turn, outcome, command or None)
    return TurnResult(messages=[OutgoingMessage(card=render(turn, outcome))])


router.add(IsMessage & HasText & ~HasCardVerb, text_command)
