"""Card buttons of the feed: Book / Book all / Dismiss / Undo on feed cards.

Registered into `bot.features.card_actions.HANDLERS` (handler, whether the answer replaces the card the
button was on); the payload models are in `bot.views.verbs`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.features.respond import run_operation
from bot.i18n import Message
from bot.operations import (
    Ambiguity,
    BookFeed,
    DismissFeed,
    FeedEventRef,
    ParseFailure,
    Period,
    UnbookFeed,
)
from bot.routing.turn import Turn
from bot.service.outcomes import Outcome
from bot.views import verbs
from bot.views.verbs import (
    FeedBookData,
    FeedEventData,
    FeedUnbookData,
    PeriodData,
)

Result = Outcome | Ambiguity | ParseFailure


def _period(data: PeriodData, locale: str) -> Period:
    return Period(start=data.start, end=data.end, name=Message(data.key, dict(data.params)), locale=locale)


async def _book(turn: Turn, data: FeedBookData) -> Result:
    projects: dict[str, str] = {}
    events: list[FeedEventRef] = []
    if data.source and data.id:
        events.append(FeedEventRef(source=data.source, id=data.id))
        picked = data.picked(data.input) if data.input else None
        if picked is not None:
            projects[f"{data.source}:{data.id}"] = picked
    for input_id, key in data.inputs.items():  # Book all: every picker of the day's events
        picked = data.picked(input_id)
        if picked is not None:
            projects[key] = picked
    op = BookFeed(events=events, day=data.day, projects=projects, period=_period(data.period, turn.locale))
    return await run_operation(turn, op, None)


async def _dismiss(turn: Turn, data: FeedEventData) -> Result:
    event = FeedEventRef(source=data.source, id=data.id)
    return await run_operation(turn, DismissFeed(event=event, period=_period(data.period, turn.locale)), None)


async def _unbook(turn: Turn, data: FeedUnbookData) -> Result:
    event = FeedEventRef(source=data.source, id=data.id)
    op = UnbookFeed(event=event, token=data.token, period=_period(data.period, turn.locale))
    return await run_operation(turn, op, None)


Action = Callable[[Turn, Any], Awaitable[Result]]

FEED_HANDLERS: dict[str, tuple[Action, bool]] = {
    verbs.FEED_BOOK: (_book, True),
    verbs.FEED_DISMISS: (_dismiss, True),
    verbs.FEED_UNBOOK: (_unbook, True),
}
