"""The feed: `feed [PERIOD]` (default today), the API keys `feed keys`, `feed key add NAME`,
`feed key revoke NAME` (German `feed schlüssel`, `feed schlüssel neu NAME`, `… widerrufen NAME`), and the
calendar `feed calendar [on|off]` (German `feed kalender [an|aus]`).
"""

from __future__ import annotations

from typing import cast

from bot.operations import (
    AddFeedKey,
    FeedCalendar,
    ListFeedKeys,
    ParseResult,
    Period,
    RevokeFeedKey,
    ShowFeed,
)

from .args import Cmd, fail, words
from .timeparse import parse_period

_KEY = frozenset({"key", "keys", "schlüssel", "apikey", "api-key"})
_ADD = frozenset({"add", "new", "create", "neu", "anlegen", "erstellen"})
_REVOKE = frozenset({"revoke", "delete", "remove", "widerrufen", "löschen", "entfernen"})
_CALENDAR = frozenset({"calendar", "kalender", "outlook", "meetings", "termine"})
_ON = frozenset({"on", "an", "ein", "enable"})
_OFF = frozenset({"off", "aus", "disable", "stop"})


def feed(cmd: Cmd) -> ParseResult:
    tokens = cmd.tokens
    if tokens and tokens[0].low in _KEY:
        return _keys(cmd)
    if tokens and tokens[0].low in _CALENDAR:
        return _calendar(cmd)
    if not tokens:
        return ShowFeed(period=cast(Period, parse_period("today", cmd.ctx)))
    period = parse_period(words(tokens), cmd.ctx)
    if period is None:
        fail("parse.bad_period", text=words(tokens))
    return ShowFeed(period=period)


def _keys(cmd: Cmd) -> ParseResult:
    rest = cmd.tokens[1:]
    if not rest:
        return ListFeedKeys()
    action, name = rest[0].low, " ".join(tok.value for tok in rest[1:]).strip()
    if action in _ADD or action in _REVOKE:
        if not name:
            fail("parse.missing_name", usage="feed key add NAME")
        if len(name) > 100:
            fail("parse.feed_key_name_too_long", max=100)
        return AddFeedKey(name=name) if action in _ADD else RevokeFeedKey(name=name)
    fail("parse.unexpected", text=rest[0].raw)


def _calendar(cmd: Cmd) -> FeedCalendar:
    rest = [tok.low for tok in cmd.tokens[1:]]
    if len(rest) > 1 or (rest and rest[0] not in _ON | _OFF):
        fail("parse.unexpected", text=cmd.tokens[1].raw)
    today = cast(Period, parse_period("today", cmd.ctx))
    return FeedCalendar(enabled=not (rest and rest[0] in _OFF), period=today)
