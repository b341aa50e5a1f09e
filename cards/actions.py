"""Card actions. Every action the bot sends carries its routing key `verb` inside `data`.

`execute` builds a Universal Action (`Action.Execute`, answered in place by the invoke response) with an
`Action.Submit` fallback carrying identical data, for Teams clients that do not render `Action.Execute`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Final

# The verbs and the data keys each one carries (besides `verb`). The router relies on these names.
UNDO: Final = "undo"
STOP: Final = "stop"
SWITCH: Final = "switch"
EDIT: Final = "edit"
EDIT_SAVE: Final = "edit_save"
DELETE: Final = "delete"
DELETE_CONFIRM: Final = "delete_confirm"
RUN: Final = "run"
PICK_PROJECT: Final = "pick_project"
CREATE_PROJECT: Final = "create_project"
REFRESH_STATUS: Final = "refresh_status"
CONTINUE: Final = "continue"
COME: Final = "come"  # working hours (cards.workinghours): all optional `at`
GO: Final = "go"  # optional `at`, `come_at`
BREAK_START: Final = "break_start"
BREAK_END: Final = "break_end"
ADD_BREAK: Final = "add_break"
BOOK_GAP: Final = "book_gap"
HOURS: Final = "hours"
LOG_FORM: Final = "log_form"
LOG_SAVE: Final = "log_save"
START_FORM: Final = "start_form"
START_SAVE: Final = "start_save"
SETTINGS_SAVE: Final = "settings_save"

VERBS: Final[Mapping[str, tuple[str, ...]]] = {
    UNDO: ("token",),
    STOP: (),
    SWITCH: (),
    EDIT: ("entry_id",),
    EDIT_SAVE: ("entry_id",),  # plus the inputs `date`, `start`, `end`, `note`
    DELETE: ("entry_id",),
    DELETE_CONFIRM: ("entry_id",),
    RUN: ("command",),
    PICK_PROJECT: ("project_id", "op"),
    CREATE_PROJECT: ("name", "op"),
    REFRESH_STATUS: (),
    CONTINUE: ("entry_id",),
    COME: (),
    GO: (),
    BREAK_START: (),
    BREAK_END: (),
    ADD_BREAK: ("minutes", "day"),
    BOOK_GAP: ("start", "end"),
    HOURS: ("period",),
    LOG_FORM: (),
    LOG_SAVE: (),  # the inputs of `cards.forms.LOG_INPUTS`
    START_FORM: (),
    START_SAVE: (),  # the inputs of `cards.forms.START_INPUTS`
    SETTINGS_SAVE: (),  # the inputs of `cards.forms.SETTINGS_INPUTS`
}
EDIT_INPUTS: Final = ("date", "start", "end", "note")


def payload(verb: str, data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """`{"verb": verb, **data}` as a fresh deep copy (so two actions never share a dict)."""
    data = dict(data or {})
    if "verb" in data and data["verb"] != verb:
        raise ValueError(f"data carries verb {data['verb']!r}, the action is {verb!r}")
    data.pop("verb", None)
    return {"verb": verb, **copy.deepcopy(data)}


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


def run(title: str, command: str, *, tooltip: str | None = None) -> dict[str, Any]:
    """A button that runs a text command, exactly as if the user had typed it."""
    return execute(title, RUN, {"command": command}, inputs=False, tooltip=tooltip)
