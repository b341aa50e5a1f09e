"""Adaptive Card checks for any test: `assert_valid_card(card)` validates against the official Adaptive Cards
1.5 schema and Teams' 28 KB budget; `assert_routable(card)` checks every action carries a `verb`.

Two in-memory changes to the official schema: the card root is closed (`additionalProperties: false`), so
the Teams host extension `msteams` is added to it, strictly (only `width: "Full"` and mention `entities`);
and its enum patterns are made string-only (see `_tighten_enums`), so a mistyped value cannot slip through.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import validators
from jsonschema.exceptions import best_match

MAX_CARD_BYTES = 28 * 1024
SCHEMA_PATH = Path(__file__).resolve().parents[1] / "cards" / "schemas" / "adaptive-card-1.5.json"

_MSTEAMS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "width": {"enum": ["Full"]},
        "entities": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "text", "mentioned"],
                "properties": {
                    "type": {"enum": ["mention"]},
                    "text": {"type": "string"},
                    "mentioned": {
                        "type": "object",
                        "required": ["id", "name"],
                        "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
                    },
                },
            },
        },
    },
}


def _tighten_enums(definitions: dict[str, Any]) -> None:
    """The schema spells enums as `anyOf: [{enum}, {pattern}]` (case-insensitive spelling). A `pattern` only
    applies to strings, so without this any non-string (`"color": 5`, `"fallback": {"type": "Action.Nope"}`)
    would pass. Make those pattern branches string-only."""
    for definition in definitions.values():
        for branch in definition.get("anyOf", []):
            if isinstance(branch, dict) and "pattern" in branch and "type" not in branch:
                branch["type"] = "string"


@cache
def card_validator() -> Any:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    schema = copy.deepcopy(schema)
    schema["definitions"]["AdaptiveCard"]["properties"]["msteams"] = _MSTEAMS
    _tighten_enums(schema["definitions"])
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def card_errors(card: Any) -> list[str]:
    """Human-readable schema errors (empty when valid); the top level must be an AdaptiveCard 1.5."""
    problems: list[str] = []
    if not isinstance(card, dict) or card.get("type") != "AdaptiveCard":
        problems.append("top level is not an AdaptiveCard")
    elif card.get("version") != "1.5":
        problems.append(f"version is {card.get('version')!r}, expected '1.5'")
    errors = list(card_validator().iter_errors(card))
    if errors:
        err = best_match(errors)
        where = "/".join(str(p) for p in err.absolute_path)
        problems.append(f"schema: at /{where}: {err.message[:300]}")
    return problems


def card_size(card: Any) -> int:
    return len(json.dumps(card).encode())


def assert_valid_card(card: Any) -> None:
    problems = card_errors(card)
    assert not problems, "invalid Adaptive Card: " + "; ".join(problems)
    size = card_size(card)
    assert size < MAX_CARD_BYTES, f"card is {size} bytes, the limit is {MAX_CARD_BYTES}"


def iter_actions(node: Any) -> Iterator[dict[str, Any]]:
    """Every action object in a card (buttons, select actions, refresh actions, fallbacks)."""
    if isinstance(node, dict):
        if isinstance(node.get("type"), str) and node["type"].startswith("Action."):
            yield node
        for value in node.values():
            yield from iter_actions(value)
    elif isinstance(node, list):
        for item in node:
            yield from iter_actions(item)


def assert_routable(card: Any) -> None:
    """Every Execute/Submit carries a `verb` in its data; every Execute has an Action.Submit fallback with
    identical data; an Execute's `verb` equals its data's `verb`."""
    for action in iter_actions(card):
        kind = action["type"]
        if kind not in ("Action.Execute", "Action.Submit"):
            continue
        data = action.get("data")
        assert isinstance(data, dict) and isinstance(data.get("verb"), str) and data["verb"], action
        if kind == "Action.Execute":
            assert action.get("verb") == data["verb"], action
            fallback = action.get("fallback")
            assert isinstance(fallback, dict) and fallback.get("type") == "Action.Submit", action
            assert fallback.get("data") == data, action
            assert fallback.get("associatedInputs") == action.get("associatedInputs"), action
