"""Install and welcome: greet with the help card and remember the conversation for proactive messages."""

from __future__ import annotations

from bot.activity import OutgoingMessage, TurnResult
from bot.features.respond import render
from bot.routing.filters import AppInstalled, BotWasAdded
from bot.routing.router import Router
from bot.routing.turn import Turn
from bot.service.outcomes import HelpShown

router = Router("lifecycle")


async def remember(turn: Turn) -> TurnResult:
    """Keep the conversation reference: proactive notifications need it later."""
    if turn.activity.service_url and turn.activity.conversation.id:
        await turn.services.store.save_conversation_ref(
            turn.activity.conversation.id, turn.state_key.tenant_id, turn.activity.reference()
        )
    return TurnResult()


async def welcome(turn: Turn) -> TurnResult:
    """Teams sends both `installationUpdate` and `conversationUpdate` on install: greet on the latter only."""
    await remember(turn)
    return TurnResult(messages=[OutgoingMessage(card=render(turn, HelpShown()))])


router.add(BotWasAdded, welcome)
router.add(AppInstalled, remember)
