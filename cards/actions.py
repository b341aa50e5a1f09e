"""Card actions. Every action the bot sends carries its routing key `verb` inside `data`.

`execute` builds a Universal Action (`Action.Execute`, answered in place by the invoke response) with an
`Action.Submit` fallback carrying identical data, for Teams clients that do not render `Action.Execute`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Final

from bot.views import verbs
from bot.views.verbs import (  # the names of `bot.views.verbs`, so card modules write `act.UNDO`
    ADD_BREAK,
    BOOK_GAP,
    BREAK_END,
    BREAK_START,
    COME,
    CONNECT_SAVE,
    CONTINUE,
    CREATE_PROJECT,
    DELETE,
    DELETE_CONFIRM,
    DISMISS,
    EDIT,
    EDIT_CANCEL,
    EDIT_INPUTS,
    EDIT_SAVE,
    GO,
    HOURS,
    LOG_FORM,
    LOG_SAVE,
    NO_PROJECT,
    ON_PROJECT,
    PICK_PROJECT,
    REFRESH_STATUS,
    RUN,
    SETTINGS_SAVE,
    START_FORM,
    START_SAVE,
    STOP,
    SWITCH,
    UNDO,
    WRITE,
)

# What each verb's payload reads (data and card inputs), from the one table in `bot.views.verbs`.
VERBS: Final[Mapping[str, tuple[str, ...]]] = {
    name: tuple(model.model_fields) for name, model in verbs.VERBS.items()
}

__all__ = [
    "ADD_BREAK",
    "BOOK_GAP",
    "BREAK_END",
    "BREAK_START",
    "COME",
    "CONNECT_SAVE",
    "CONTINUE",
    "CREATE_PROJECT",
    "DELETE",
    "DELETE_CONFIRM",
    "DISMISS",
    "EDIT",
    "EDIT_CANCEL",
    "EDIT_INPUTS",
    "EDIT_SAVE",
    "GO",
    "HOURS",
    "LOG_FORM",
    "LOG_SAVE",
    "NO_PROJECT",
    "ON_PROJECT",
    "PICK_PROJECT",
    "REFRESH_STATUS",
    "RUN",
    "SETTINGS_SAVE",
    "START_FORM",
    "START_SAVE",
    "STOP",
    "SWITCH",
    "UNDO",
    "VERBS",
    "WRITE",
    "execute",
    "payload",
    "run",
    "submit",
]


def payload(verb: str, data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """`{"verb": verb, **data}` as a fresh deep copy (so two actions never share a dict)."""
    data = dict(data or {})
    if "verb" in data and data["verb"] != verb:
        raise ValueError(f"data carries verb {data['verb']!r}, the action is {verb!r}")
    data.pop("verb", None)
    return {"verb": verb, **{key: _fresh(value) for key, value in data.items()}}


def _fresh(value: Any) -> Any:
    """A copy of a JSON value's lists and dicts (strings and numbers are shared: they cannot change);
    `copy.deepcopy` did the same at several times the cost, for ten buttons on every status card."""
    kind = type(value)
    if kind is dict:
        return {key: _fresh(item) for key, item in value.items()}
    if kind is list:
        return [_fresh(item) for item in value]
    if kind in (str, int, float, bool) or value is None:
        return value
    return copy.deepcopy(value)


def _common(action: dict[str, Any], style: str | None, inputs: bool, tooltip: str | None) -> dict[str, Any]:
    if style:
        action["style"] = style
    if not inputs:
        # Do not collect (or validate) the card's inputs: a Cancel must work with a half-filled form.
        action["associatedInputs"] = "none"
    if tooltip:
        action["tooltip"] = tooltip
    return action


def submit(
    title: str,
    verb: str,
    data: Mapping[str, Any] | None = None,
    *,
    style: str | None = None,
    inputs: bool = True,
    tooltip: str | None = None,
) -> dict[str, Any]:
    """A plain `Action.Submit` whose `data` is `{"verb": verb, **data}`."""
    action: dict[str, Any] = {"type": "Action.Submit", "title": title, "data": payload(verb, data)}
    return _common(action, style, inputs, tooltip)


def execute(
    title: str,
    verb: str,
    data: Mapping[str, Any] | None = None,
    *,
    style: str | None = None,
    inputs: bool = True,
    tooltip: str | None = None,
) -> dict[str, Any]:
    """An `Action.Execute` with `verb`, `data` = `{"verb": verb, **data}` and the equivalent `Action.Submit`
    as `fallback`. `inputs=False` sends no input values (and skips client-side validation)."""
    action: dict[str, Any] = {
        "type": "Action.Execute",
        "title": title,
        "verb": verb,
        "data": payload(verb, data),
    }
    _common(action, style, inputs, tooltip)
    action["fallback"] = submit(title, verb, data, style=style, inputs=inputs, tooltip=tooltip)
    return action


def run(title: str, command: str, *, tooltip: str | None = None, style: str | None = None) -> dict[str, Any]:
    """A button that runs a text command, exactly as if the user had typed it."""
    return execute(title, RUN, {"command": command}, inputs=False, tooltip=tooltip, style=style)
