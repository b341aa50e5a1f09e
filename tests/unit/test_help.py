"""Help covers the whole command language: every verb of the parser's table has a help entry in English and
German, reachable by each of its words (`help kommen`, `hilfe clock in`), with examples that are real
commands."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.commands import parse
from bot.commands.tokens import normalise
from bot.commands.verbs import TABLE, Verb
from bot.i18n import t
from bot.operations import Help, ParseContext, ParseFailure
from cards.help import GROUPS, TOPICS, help_card, resolve_topic
from tests.support.cards import assert_valid_card

BERLIN = ZoneInfo("Europe/Berlin")
CTX = ParseContext(now=datetime(2026, 11, 17, 15, 0, tzinfo=BERLIN), tz=BERLIN, locale="en-US")


@pytest.mark.parametrize("verb", TABLE, ids=lambda v: v.name)
def test_every_verb_has_a_help_entry_in_english_and_german(verb: Verb) -> None:
    topic = resolve_topic(verb.name)
    assert topic is not None, f"`help {verb.name}` has no entry in cards.help.TOPICS"
    key = f"card.help.{topic}"
    english, german = t(key, "en-US"), t(key, "de-DE")
    assert english != key and german != key and german != english, f"{key} needs English and German"
    usage, examples = TOPICS[topic]
    assert any(verb.name in line for line in (*usage, *examples)), f"{topic}'s entry never shows {verb.name}"
    for word in verb.words:
        if normalise(f"help {word}") == "help":  # `help ?`: the trailing `?` is dropped, the overview shows
            continue
        asked = parse(f"help {word}", CTX)
        assert isinstance(asked, Help) and asked.topic == verb.name, (word, asked)
        assert word in asked.words
    for locale in ("en-US", "de-DE"):
        card = help_card(locale, verb.name, verb.words)
        assert_valid_card(card)
        assert card["body"][0]["text"] == topic


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_every_example_is_a_command_the_parser_takes(topic: str) -> None:
    for example in TOPICS[topic][1]:
        assert not isinstance(parse(example, CTX), ParseFailure), example


def test_the_overview_names_every_group_and_its_examples_parse() -> None:
    for locale in ("en-US", "de-DE"):
        card = help_card(locale)
        assert_valid_card(card)
        shown = str(card)
        for group, english, german in GROUPS:
            assert t(f"card.help.group.{group}", locale) in shown
            for example in english + german:
                assert not isinstance(parse(example, CTX), ParseFailure), example
    assert {g for g, *_ in GROUPS} >= {"timer", "entries", "summaries", "hours", "reports", "account"}
