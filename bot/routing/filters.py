"""Composable activity filters (`&`, `|`, `~`), so a route reads as what it matches.

Route(IsMessage & HasCardVerb, card_action)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.activity import Activity


@dataclass(frozen=True)
class Filter:
    test: Callable[[Activity], bool]
    name: str

    def __call__(self, activity: Activity) -> bool:
        return self.test(activity)

    def __and__(self, other: Filter) -> Filter:
        return Filter(lambda a: self(a) and other(a), f"({self.name} & {other.name})")

    def __or__(self, other: Filter) -> Filter:
        return Filter(lambda a: self(a) or other(a), f"({self.name} | {other.name})")

    def __invert__(self) -> Filter:
        return Filter(lambda a: not self(a), f"~{self.name}")

    def __repr__(self) -> str:
        return self.name


def activity_type(kind: str) -> Filter:
    return Filter(lambda a: a.type == kind, f"type={kind}")


def invoke_named(name: str) -> Filter:
    return Filter(lambda a: a.type == "invoke" and a.name == name, f"invoke={name}")


def _card_verb(activity: Activity) -> str | None:
    """The verb of a card action: `value.verb` (Action.Submit) or `value.action.verb` (Action.Execute)."""
    value = activity.value
    if not isinstance(value, dict):
        return None
    action = value.get("action")
    verb = action.get("verb") if activity.type == "invoke" and isinstance(action, dict) else value.get("verb")
    return verb if isinstance(verb, str) and verb else None


card_verb = _card_verb

IsMessage = activity_type("message")
IsInvoke = activity_type("invoke")
HasCardVerb = Filter(lambda a: _card_verb(a) is not None, "has_card_verb")
HasText = Filter(lambda a: bool(a.text and a.text.strip()), "has_text")
HasCardValue = Filter(lambda a: isinstance(a.value, dict) and bool(a.value), "has_card_value")
BotWasAdded = Filter(
    lambda a: a.type == "conversationUpdate" and any(m.id == a.recipient.id for m in a.members_added),
    "bot_was_added",
)
AppInstalled = Filter(
    lambda a: a.type == "installationUpdate" and (a.action or "").startswith("add"), "app_installed"
)
AppRemovedByPerson = Filter(
    lambda a: (
        a.type == "installationUpdate" and (a.action or "").startswith("remove") and a.scope == "personal"
    ),
    "app_removed_by_person",
)
BotWasRemoved = Filter(
    lambda a: a.type == "conversationUpdate" and any(m.id == a.recipient.id for m in a.members_removed),
    "bot_was_removed",
)
AppUninstalled = Filter(
    lambda a: a.type == "installationUpdate" and (a.action or "").startswith("remove"), "app_uninstalled"
)
