"""Errors and simple notices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.i18n import t
from cards import actions as act
from cards.elements import action_set, card, container, text, user_text
from cards.elements import facts as fact_set
from cards.format import escape
from cards.pickers import choice_card

__all__ = ["choice_card", "error_card", "notice_card"]  # `choice_card` lives in `cards.pickers`


def error_card(
    message: str, locale: str, *, hint: str | None = None, retry_command: str | None = None
) -> dict[str, Any]:
    """A friendly problem report: a short title, the message, an optional hint and Retry (runs
    `retry_command`). `message` and `hint` are catalogue markdown: escape user data inside them first."""
    body: list[dict[str, Any]] = [
        container(
            [
                text("⚠️ " + t("card.error.title", locale), weight="Bolder", color="Attention"),
                text(message, spacing="Small"),
            ],
            style="attention",
        ),
    ]
    if hint:
        body.append(text(hint, subtle=True, size="Small"))
    if retry_command:
        body.append(action_set([act.run(t("card.btn.retry", locale), retry_command)]))
    return card(body, locale, fallback_text=message)


def notice_card(
    message: str, locale: str, *, facts: Sequence[tuple[str, str]] | None = None
) -> dict[str, Any]:
    """A simple confirmation ("Time zone set to Europe/Berlin"). `message` is catalogue markdown; fact titles
    and values are data and get escaped."""
    body: list[dict[str, Any]] = [text(message)]
    if facts:
        body.append(fact_set([(escape(k), user_text(v, 500)) for k, v in facts]))
    return card(body, locale, fallback_text=message)
