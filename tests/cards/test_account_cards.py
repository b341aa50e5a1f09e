"""The connect/workspace cards: valid Adaptive Cards 1.5, under 28 KB with long names, a password field for
the token, and nothing that could echo it."""

from __future__ import annotations

import json

import pytest

from bot.views.backends import BACKEND_NAMES, ConnectionView
from cards.account import connect_form_card, connections_card, workspaces_card
from cards.messages import notice_card
from tests.support.cards import assert_routable, assert_valid_card


@pytest.mark.parametrize("backend", ["toggl", "focus", "awork", "timeghost"])
@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
def test_connect_form_asks_for_the_token_in_a_password_field(backend: str, locale: str) -> None:
    card = connect_form_card(backend, locale, error="That token was rejected. " + "x" * 300)
    assert_valid_card(card)
    assert_routable(card)
    inputs = [e for e in card["body"] if e.get("type") == "Input.Text" and e.get("id") == "token"]
    assert len(inputs) == 1 and inputs[0]["style"] == "password" and "value" not in inputs[0]
    assert ("organization_id" in json.dumps(card)) == (backend == "focus")


def test_connections_and_workspaces_with_many_long_names() -> None:
    hows = ["builtin", "signin", "api_key", "none", "signin"]
    backends = [
        ConnectionView(kind, how, "ä" * 200 + "@example.com", can_sign_in=True)  # type: ignore[arg-type]
        for kind, how in zip(BACKEND_NAMES, hows, strict=True)
    ]
    listed = connections_card("timeghost", backends, "en-US")
    assert_valid_card(listed)
    assert_routable(listed)
    spaces = [(f"ws-{i}", "Workspace " + "ä" * 180 + f" {i}") for i in range(60)]
    card = workspaces_card("toggl", "ws-3", spaces, "de-DE")
    assert_valid_card(card)
    assert_routable(card)


def test_outbox_notices_are_valid_cards() -> None:
    long_notice = "✅ Toggl Track is back: saved what you sent at 14:05. " + "y" * 500
    assert_valid_card(notice_card(long_notice, "en-US"))


def test_workspace_buttons_carry_a_prefix_that_still_matches() -> None:
    from bot.service.resolve import match_name

    class W:
        def __init__(self, name: str) -> None:
            self.name = name

    long_name = "Contoso Research and Development " + "x" * 150
    card = workspaces_card("toggl", None, [("1", long_name), ("2", "Other")], "en-US")
    commands = [a["data"]["command"] for a in _actions(card)]
    typed = next(c for c in commands if c.startswith('workspace "Contoso'))
    query = typed.removeprefix('workspace "').removesuffix('"')
    assert long_name.startswith(query)  # a plain prefix (no "…"), so the unique-prefix rule picks it
    found, _ = match_name(query, [W(long_name), W("Other")])
    assert found is not None and found.name == long_name


def _actions(node: object) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    if isinstance(node, dict):
        if str(node.get("type", "")).startswith("Action.") and "command" in (node.get("data") or {}):
            out.append(node)
        for key, child in node.items():
            if key != "fallback":
                out.extend(_actions(child))
    elif isinstance(node, list):
        for child in node:
            out.extend(_actions(child))
    return out
