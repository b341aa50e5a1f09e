"""The card catalogue is complete (en + de, same fields), every key the cards use exists, and user text never
reaches a card as live markdown or a mention."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.i18n import _messages, t
from bot.i18n.catalog.cards import MESSAGES as CARD_MESSAGES
from bot.i18n.catalog.help import MESSAGES as HELP_MESSAGES
from bot.views.entries import NamedItem, ProjectView
from cards.entry import entry_card
from cards.help import GROUPS, TOPICS, help_card
from cards.lists import entries_card, list_card
from cards.pickers import pick_project_card
from cards.signin import page
from cards.summary import summary_card
from cards.timer import timer_card
from tests.cards.conftest import make_entry, make_summary

CARDS_DIR = Path(__file__).resolve().parents[2] / "cards"
MESSAGES = {**CARD_MESSAGES, **HELP_MESSAGES}  # the cards' strings (help and welcome have their own file)
Check = Callable[[dict[str, Any]], dict[str, Any]]


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_has_en_and_de_with_the_same_fields() -> None:
    for key, langs in MESSAGES.items():
        assert key.startswith("card."), key
        assert set(langs) == {"en", "de"}, key
        assert fields(langs["en"]) == fields(langs["de"]), key


def test_every_literal_key_used_by_the_cards_exists() -> None:
    used: set[str] = set()
    for path in CARDS_DIR.glob("*.py"):
        used |= set(re.findall(r"""["'](card\.[a-z_.]+[a-z_])["']""", path.read_text(encoding="utf-8")))
    used -= {"card.help", "card.entry", "card.summary.by"}  # prefixes of f-string keys, checked below
    missing = sorted(k for k in used if k not in MESSAGES)
    assert not missing


def test_computed_keys_exist() -> None:
    for action in ("logged", "stopped", "edited", "deleted", "cancelled", "continued", "restored", "started"):
        assert f"card.entry.{action}" in MESSAGES
    for group, *_ in GROUPS:
        assert f"card.help.group.{group}" in MESSAGES and f"card.help.line.{group}" in MESSAGES
    for topic in TOPICS:
        assert f"card.help.{topic}" in MESSAGES
    for by in ("project", "client", "task", "tag", "day"):
        assert f"card.summary.by.{by}" in MESSAGES


def test_no_sentence_shows_backticks() -> None:
    """Adaptive Cards markdown in Teams has bold, italic, lists and links but no inline code: a command in
    backticks showed its backticks. Command words are bold, in every language and on every help card; the
    sign-in page, which is HTML, makes that bold too."""
    assert not [(key, lang) for key, langs in _messages().items() for lang, s in langs.items() if "`" in s]
    for locale in ("en-US", "de-DE"):
        for topic in (None, *TOPICS):
            assert "`" not in str(help_card(locale, topic, ("in", "clock in"))), topic
    html = page(t("signin.page.unknown", "en"), "en")
    assert "<strong>signin</strong>" in html and "**" not in html


def test_german_is_used() -> None:
    assert t("card.btn.undo", "de-AT") == "Rückgängig"
    assert t("card.btn.undo", "en-GB") == "Undo"


EVIL = "**bold** <at>Boss</at> [x](https://evil.example) _i_ `c`"


def _all_text(node: Any) -> str:
    if isinstance(node, dict):
        own = node.get("text", "") if node.get("type") == "TextBlock" else ""
        if node.get("type") == "FactSet":
            own = " ".join(f["value"] + " " + f["title"] for f in node["facts"])
        return own + " " + " ".join(_all_text(v) for v in node.values())
    if isinstance(node, list):
        return " ".join(_all_text(v) for v in node)
    return ""


def _assert_no_live_markup(card: dict[str, Any]) -> None:
    text = _all_text(card)
    assert "<at>" not in text and "</at>" not in text
    assert "[x](" not in text
    assert "**bold**" not in text
    assert "\\*\\*bold\\*\\*" in text


def test_user_text_is_escaped_everywhere(check: Check) -> None:
    entry = make_entry(project=EVIL, client=EVIL, task=EVIL, note=EVIL, tags=[EVIL])
    for card in (
        entry_card("logged", entry, "en"),
        timer_card(entry.model_copy(update={"end": None}), "en", switched_from=entry),
        entries_card(EVIL, [entry], "en", total_seconds=1),
        summary_card(make_summary(period_label=EVIL, rows=[]).model_copy(update={"running": entry}), "en"),
        list_card(EVIL, [ProjectView(id="p", name=EVIL, client=EVIL)], "en"),
        list_card(EVIL, [NamedItem(id="n", name=EVIL, detail=EVIL)], "en"),
        pick_project_card(EVIL, [], "en", op={}, can_create=True),
    ):
        check(card)
        _assert_no_live_markup(card)


def test_button_titles_are_plain_text(check: Check) -> None:
    card = check(pick_project_card("w", [ProjectView(id="p", name="**A**")], "en", op={}, can_create=False))
    titles = [a["title"] for a in card["body"][1]["actions"]]
    assert titles == ["**A**"]  # action titles are not markdown: shown as typed
