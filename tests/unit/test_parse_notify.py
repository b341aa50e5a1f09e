"""`subscribe`, `unsubscribe`, `subscriptions`: entities, events and project filters, English and German."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.commands.parser import parse_strict
from bot.operations import ListSubscriptions, ParseContext, ParseFailure, ProjectRef, Subscribe, Unsubscribe

BERLIN = ZoneInfo("Europe/Berlin")
CTX = ParseContext(now=datetime(2026, 11, 25, 15, 0, tzinfo=BERLIN), tz=BERLIN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("subscribe times", Subscribe(entities=["times"])),
        (
            "subscribe projects tasks created deleted",
            Subscribe(entities=["projects", "tasks"], events=["created", "deleted"]),
        ),
        ("subscribe to time entries when changed", Subscribe(entities=["times"], events=["changed"])),
        (
            "subscribe times @website @acme/intranet",
            Subscribe(
                entities=["times"],
                projects=[ProjectRef(path=["website"]), ProjectRef(path=["acme", "intranet"])],
            ),
        ),
        ("subscribe all", Subscribe(entities=["times", "projects", "tasks", "clients", "tags"])),
        (
            "abonnieren zeiten und projekte geändert",
            Subscribe(entities=["times", "projects"], events=["changed"]),
        ),
        ("notify clients", Subscribe(entities=["clients"])),
        ("unsubscribe", Unsubscribe()),
        ("unsubscribe tags kunden", Unsubscribe(entities=["tags", "clients"])),
        ("abbestellen", Unsubscribe()),
        ("subscriptions", ListSubscriptions()),
        ("abos", ListSubscriptions()),
    ],
)
def test_parses(text: str, expected: object) -> None:
    assert parse_strict(text, CTX) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("subscribe", "parse.subscribe_what"),
        ("subscribe created", "parse.subscribe_what"),
        ("subscribe times banana", "parse.unexpected"),
        ("subscribe times #tag", "parse.unexpected"),
        ("unsubscribe times created", "parse.unsubscribe_whole"),
        ("subscriptions everything", "parse.unexpected"),
    ],
)
def test_refuses(text: str, key: str) -> None:
    result = parse_strict(text, CTX)
    assert isinstance(result, ParseFailure) and result.message_key == key
