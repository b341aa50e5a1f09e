"""Errors and simple notices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.i18n import t
from cards import actions as act
from cards.elements import action_set, card, container, text, user_text
from cards.elements import facts as fact_set
from cards.format import escape, shorten
from cards.pickers import choice_card

__all__ = [
    "choice_card",
    "error_card",
    "info_card",
    "notice_card",
    "suggestion_card",
]  # `choice_card` lives in `cards.pickers`


def error_card(
    message: str,
    locale: str,
    *,
    hint: str | None = None,
    retry_command: str | None = None,
    help_verb: str | None = None,
) -> dict[str, Any]:
    """A friendly problem report: a short title, the message, an optional hint and Retry (runs
    `retry_command`) or, for a command written wrongly, the help on `help_verb`. `message` and `hint` are
    catalogue markdown: escape user data inside them first."""
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
    elif help_verb:
        body.append(action_set([act.run(t("card.btn.how", locale, verb=help_verb), f"help {help_verb}")]))
    return card(body, locale, fallback_text=message)


def suggestion_card(message: str, question: str, command: str, locale: str) -> dict[str, Any]:
    """A typo: what was not understood, the likely command, and a button that says what it runs
    ("Run: start @website"). Information, not an error box."""
    body: list[dict[str, Any]] = [
        text(message),
        text(question, weight="Bolder", spacing="Small"),
        action_set(
            [
                act.run(t("card.btn.run", locale, command=shorten(command, 50)), command, style="positive"),
                act.run(t("card.btn.help", locale), "help"),
            ]
        ),
    ]
    return card(body, locale, fallback_text=message)


def info_card(
    message: str, locale: str, *, hint: str | None = None, actions: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """Information (ℹ️), not a problem: "No timer is running", with what can be done next."""
    body: list[dict[str, Any]] = [text("ℹ️ " + message, weight="Bolder")]
    if hint:
        body.append(text(hint, subtle=True, spacing="Small"))
    if actions:
        body.append(action_set(list(actions)))
    return card(body, locale, fallback_text=message)


def notice_card(
    message: str,
    locale: str,
    *,
    facts: Sequence[tuple[str, str]] | None = None,
    undo_token: str | None = None,
) -> dict[str, Any]:
    """A simple confirmation ("Time zone set to Europe/Berlin"). `message` is catalogue markdown; fact titles
    and values are data and get escaped. A write that can be reverted (`undo_token`) offers Undo."""
    body: list[dict[str, Any]] = [text(message)]
    if facts:
        body.append(fact_set([(escape(k), user_text(v, 500)) for k, v in facts]))
    if undo_token:
        undo = act.execute(t("card.btn.undo", locale), act.UNDO, {"token": undo_token}, inputs=False)
        body.append(action_set([undo]))
    return card(body, locale, fallback_text=message)
