"""The validator itself: it accepts a good card and rejects broken ones (so a green test means something)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from cards.actions import execute
from tests.support.cards import assert_routable, assert_valid_card, card_errors

GOOD: dict[str, Any] = {
    "type": "AdaptiveCard",
    "version": "1.5",
    "body": [
        {"type": "TextBlock", "text": "hello", "wrap": True},
        {"type": "ActionSet", "actions": [execute("Stop", "stop")]},
    ],
    "msteams": {"width": "Full"},
}


def broken(path: list[Any], value: Any) -> dict[str, Any]:
    card = copy.deepcopy(GOOD)
    node: Any = card
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return card


def test_good_card_passes() -> None:
    assert_valid_card(GOOD)
    assert_routable(GOOD)


@pytest.mark.parametrize(
    "card",
    [
        broken(["body", 0, "type"], "TextBlok"),  # unknown element type
        broken(["body", 0, "type"], KeyError),  # element without type
        broken(["body", 0, "text"], KeyError),  # TextBlock without its required text
        broken(["body", 0, "wrap"], "yes"),  # wrong property type
        broken(["body", 0, "colour"], "red"),  # unknown property
        broken(["body", 1, "actions", 0, "type"], "Action.Run"),  # unknown action
        broken(["body", 1, "actions", 0, "fallback"], {"type": "Action.Nope"}),  # bad fallback
        broken(["body"], {"type": "TextBlock", "text": "x"}),  # body not a list
        broken(["type"], "Card"),
        broken(["version"], "1.6"),
        broken(["msteams"], {"width": "Wide"}),  # the msteams extension is checked strictly too
        broken(["extra"], 1),  # unknown root property
    ],
)
def test_broken_cards_fail(card: dict[str, Any]) -> None:
    assert card_errors(card)
    with pytest.raises(AssertionError):
        assert_valid_card(card)


def test_size_limit_is_enforced() -> None:
    card = copy.deepcopy(GOOD)
    card["body"].append({"type": "TextBlock", "text": "x" * (28 * 1024)})
    assert not card_errors(card)
    with pytest.raises(AssertionError, match="bytes"):
        assert_valid_card(card)


def test_routable_rejects_missing_verb_and_missing_fallback() -> None:
    no_verb = broken(["body", 1, "actions", 0], {"type": "Action.Submit", "title": "x", "data": {"a": 1}})
    with pytest.raises(AssertionError):
        assert_routable(no_verb)
    no_fallback = copy.deepcopy(GOOD)
    del no_fallback["body"][1]["actions"][0]["fallback"]
    with pytest.raises(AssertionError):
        assert_routable(no_fallback)
    other_data = copy.deepcopy(GOOD)
    other_data["body"][1]["actions"][0]["fallback"]["data"] = {"verb": "switch"}
    with pytest.raises(AssertionError):
        assert_routable(other_data)


@pytest.mark.parametrize(
    "card",
    [
        broken(["body", 0, "color"], 5),  # enum-like values must be strings
        broken(["body", 0, "spacing"], {"x": 1}),
        broken(["body", 0, "color"], "purple"),
    ],
)
def test_enum_values_are_checked(card: dict[str, Any]) -> None:
    assert card_errors(card)
