"""`feed [PERIOD]` → `ShowFeed`; `feed keys`, `feed key add NAME`, `feed key revoke NAME` → the key ops."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.commands.parser import parse_strict
from bot.operations import AddFeedKey, ListFeedKeys, ParseContext, ParseFailure, RevokeFeedKey, ShowFeed

BERLIN = ZoneInfo("Europe/Berlin")
CTX = ParseContext(now=datetime(2026, 11, 17, 15, 0, tzinfo=BERLIN), tz=BERLIN)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("feed", date(2026, 11, 17), date(2026, 11, 18)),
        ("feed yesterday", date(2026, 11, 16), date(2026, 11, 17)),
        ("feed week", date(2026, 11, 16), date(2026, 11, 23)),
        ("feed 2026-11-12", date(2026, 11, 12), date(2026, 11, 13)),
        ("Feed Gestern", date(2026, 11, 16), date(2026, 11, 17)),
    ],
)
def test_feed_shows_a_period_today_by_default(text: str, start: date, end: date) -> None:
    op = parse_strict(text, CTX)
    assert isinstance(op, ShowFeed), op
    assert (op.period.start, op.period.end) == (start, end)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("feed keys", ListFeedKeys()),
        ("feed key", ListFeedKeys()),
        ("feed schlüssel", ListFeedKeys()),
        ("feed key add Zapier", AddFeedKey(name="Zapier")),
        ('feed key new "Power Automate"', AddFeedKey(name="Power Automate")),
        ("feed schlüssel neu Planner sync", AddFeedKey(name="Planner sync")),
        ("feed key revoke Zapier", RevokeFeedKey(name="Zapier")),
        ("feed schlüssel widerrufen Zapier", RevokeFeedKey(name="Zapier")),
    ],
)
def test_feed_keys(text: str, expected: object) -> None:
    assert parse_strict(text, CTX) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("feed someday", "parse.bad_period"),
        ("feed key add", "parse.missing_name"),
        ("feed key revoke", "parse.missing_name"),
        ("feed key rotate x", "parse.unexpected"),
        ("feed key add " + "x" * 101, "parse.feed_key_name_too_long"),
    ],
)
def test_what_feed_refuses(text: str, key: str) -> None:
    result = parse_strict(text, CTX)
    assert isinstance(result, ParseFailure) and result.message_key == key, result
    assert result.verb == "feed"


def test_a_channel_subscribes_to_feed_events_apart_from_all_tracker_changes() -> None:
    from bot.operations import Subscribe

    assert parse_strict("subscribe feed", CTX) == Subscribe(entities=["feed"])
    everything = parse_strict("subscribe all", CTX)
    assert isinstance(everything, Subscribe) and "feed" not in everything.entities
