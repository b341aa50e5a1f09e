"""Card buttons of change notifications: Undo on a change card, Save on the subscriptions card.

Registered into `bot.features.card_actions.HANDLERS`; the payload models are in `bot.views.verbs`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.features.respond import run_operation
from bot.operations import ALL_EVENTS, Ambiguity, ListSubscriptions, ParseFailure, Subscribe, Unsubscribe
from bot.routing.turn import Turn
from bot.service.changes import undo_change
from bot.service.outcomes import Outcome, Problem
from bot.views import verbs
from bot.views.changes import ENTITY_ORDER
from bot.views.verbs import ChangeData, SubscriptionsForm

Result = Outcome | Ambiguity | ParseFailure


async def _undo_change(turn: Turn, data: ChangeData) -> Result:
    ctx = await turn.user()
    if ctx is None:
        return Problem("error.no_identity")
    return await undo_change(ctx, data.change_id)


async def _save_subscriptions(turn: Turn, data: SubscriptionsForm) -> Result:
    """Turn each toggle into subscribe/unsubscribe; the events apply to every entity switched on."""
    values = data.values()
    events = [e for e in (values.get("events") or "").split(",") if e in ALL_EVENTS] or list(ALL_EVENTS)
    on = [e for e in ENTITY_ORDER if values.get(f"sub_{e}") == "true"]
    off = [e for e in ENTITY_ORDER if values.get(f"sub_{e}") == "false"]
    outcome: Result | None = None
    if off:
        outcome = await run_operation(turn, Unsubscribe(entities=off), None)
    if on:
        subscribe = Subscribe(entities=on, events=events, keep_projects=True)
        outcome = await run_operation(turn, subscribe, None)
    if outcome is None or isinstance(outcome, Problem):
        return outcome or await run_operation(turn, ListSubscriptions(), None)
    return outcome


NOTIFY_HANDLERS: dict[str, tuple[Callable[[Turn, Any], Awaitable[Result]], bool]] = {
    verbs.CHANGE_UNDO: (_undo_change, True),
    verbs.SUBSCRIPTIONS_SAVE: (_save_subscriptions, True),
}
