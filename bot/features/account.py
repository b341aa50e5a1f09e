"""Card buttons of the account: saving the token form of `connect`.

Registered into `bot.features.card_actions.HANDLERS` (handler, whether the answer replaces the card the
button was on); the payload model is `bot.views.verbs.ConnectSaveData`. It runs on the person's account, not a
bound backend: a missing or broken connection is what it repairs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.features.respond import account_of
from bot.operations import Ambiguity, ParseFailure
from bot.routing.turn import Turn
from bot.service.account import save_connection
from bot.service.outcomes import Outcome, Problem
from bot.views import verbs
from bot.views.verbs import ConnectSaveData

Result = Outcome | Ambiguity | ParseFailure
Handler = Callable[[Turn, Any], Awaitable[Result]]


async def _connect_save(turn: Turn, data: ConnectSaveData) -> Result:
    account = await account_of(turn)
    if account is None:
        return Problem("error.no_identity")
    return await save_connection(account, data.backend, data.token, {"organization_id": data.organization_id})


ACCOUNT_HANDLERS: dict[str, tuple[Handler, bool]] = {
    # The form holds a token: its answer replaces it, so the card does not linger with the field.
    verbs.CONNECT_SAVE: (_connect_save, True),
}
