"""The edit form's buttons: Edit opens it, Save writes it, Cancel (and Keep on Delete's question) brings back
the card it came from.

Edit on a `times` row opens the form inside that list (the list stays, the row expanded; Save shows the list
again with the change and its Undo on top); Edit on a write's echo replaces the echo, and Cancel puts the
same echo back, Undo included. The origin travels on the buttons (`EditData.back`/`echo`/`token`), checked
like every card payload: `back` must be a `times` (or `summary`) operation, which is simply run again; only a
`times` list takes the form inside it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time
from typing import Any

from pydantic import TypeAdapter, ValidationError

from bot.features.forms import picked_target
from bot.features.respond import run_operation
from bot.i18n import t
from bot.operations import Ambiguity, DeleteEntry, EditEntry, ListTimes, ParseFailure, Status, Summary
from bot.replies import form_problem
from bot.routing.turn import Turn
from bot.service.entries import entry_by_id
from bot.service.outcomes import DeleteConfirm, EditForm, EntriesShown, EntryChanged, Outcome, Problem
from bot.views import verbs
from bot.views.entries import EditOrigin
from bot.views.verbs import EditData, EditSaveData

Result = Outcome | Ambiguity | ParseFailure
_back_op: TypeAdapter[ListTimes | Summary] = TypeAdapter(ListTimes | Summary)

# Which field a service problem belongs to (others go on top of the form).
_PROBLEM_FIELDS = {
    "service.end_before_start": "end",
    "service.too_long": "end",
    "check.ends_in_future": "end",
    "check.starts_in_future": "start",
    "service.future_day": "date",
    "error.unsupported": "_",  # e.g. a tracker that cannot remove a project: on top of the form
}


def _origin(data: EditData) -> EditOrigin | None:
    if data.back is None and data.echo is None:
        return None
    return EditOrigin(back=data.back, echo=data.echo, token=data.token)


async def _list(turn: Turn, back: dict[str, Any] | None) -> Result | None:
    """The list the form came from, read again: a `times` list, or a day's summary (`today`, whose rows have
    Edit too); None when `back` is neither."""
    if back is None:
        return None
    try:
        op = _back_op.validate_python(back)
    except ValidationError:
        return None
    return await run_operation(turn, op, None)


async def _framed(turn: Turn, data: EditData, errors: dict[str, str] | None = None) -> Result:
    """The edit form, knowing its origin, inside the list it came from when there is one; after a refused
    save it holds what the person entered, not what is stored."""
    form = await run_operation(turn, EditEntry(entry_id=data.entry_id), None)
    if not isinstance(form, EditForm):
        return form
    inside = data.back is not None and data.back.get("kind") == "times"  # only a list takes the form inside
    listed = await _list(turn, data.back) if inside else None
    around = listed if isinstance(listed, EntriesShown) else None
    values = data.entered() if isinstance(data, EditSaveData) else None
    return dataclasses.replace(form, errors=errors or {}, origin=_origin(data), around=around, values=values)


async def _edit(turn: Turn, data: EditData) -> Result:
    return await _framed(turn, data)


async def _delete(turn: Turn, data: EditData) -> Result:
    """Delete asks first; its Keep brings back the card the form came from, like Cancel."""
    asked = await run_operation(turn, DeleteEntry(entry_id=data.entry_id), None)
    return dataclasses.replace(asked, origin=_origin(data)) if isinstance(asked, DeleteConfirm) else asked


async def _delete_confirm(turn: Turn, data: EditData) -> Result:
    """Deleted: from a list, the list again with the deletion and its Undo on top."""
    deleted = await run_operation(turn, DeleteEntry(entry_id=data.entry_id, confirmed=True), None)
    if isinstance(deleted, EntryChanged):
        listed = await _list(turn, data.back)
        if isinstance(listed, EntriesShown):
            return dataclasses.replace(listed, changed=deleted)
    return deleted


async def _cancel(turn: Turn, data: EditData) -> Result:
    """Nothing is written: the card the form came from, as it was (a list read again, an echo with Undo)."""
    listed = await _list(turn, data.back)
    if listed is not None:
        return listed
    if data.echo is not None:
        ctx = await turn.user()
        if ctx is None:
            return Problem("error.no_identity")
        entry = await entry_by_id(ctx, data.entry_id)
        if isinstance(entry, Problem):
            return entry
        return EntryChanged(data.echo, entry, undo_token=data.token)
    return await run_operation(turn, Status(), None)  # a card that did not say where it came from


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _parse_time(value: str | None) -> time | None:
    try:
        return time.fromisoformat(value) if value else None
    except ValueError:
        return None


async def _save(turn: Turn, data: EditSaveData) -> Result:
    """Validate each field and answer with the form, the problem marked, rather than an error; a change saved
    from a list shows that list again with the change on top."""
    ctx = await turn.user()
    if ctx is None:
        return Problem("error.no_identity")
    locale = turn.locale
    errors: dict[str, str] = {}
    day = _parse_date(data.date)
    if data.date and day is None:
        errors["date"] = t("form.bad_date", locale)
    start_t = _parse_time(data.start)
    if data.start and start_t is None:
        errors["start"] = t("form.bad_time", locale)
    end_t = _parse_time(data.end)
    if data.end and end_t is None:
        errors["end"] = t("form.bad_time", locale)
    # "No project" (or a typeahead emptied): the entry keeps neither project nor the task picked with it
    clear = data.project in (verbs.NO_PROJECT, "")
    picked = (None, None) if clear else (data.project, data.task)
    project, tags = await picked_target(ctx, *picked, data.tags, errors, locale)
    if errors:
        return await _framed(turn, data, errors)
    on = day or ctx.today
    fields: dict[str, Any] = {"entry_id": data.entry_id, "note": data.note or ""}
    if day:
        fields["day"] = day
    if start_t:
        fields["start"] = datetime.combine(on, start_t, tzinfo=ctx.tz)
    if end_t:
        fields["end"] = datetime.combine(on, end_t, tzinfo=ctx.tz)
    if clear:
        fields["clear_project"] = True
    elif project is not None:
        fields["project"] = project
    if data.tags is not None:  # the form had a tags picker: exactly what it holds now
        fields["set_tags"] = tags
    outcome = await run_operation(turn, EditEntry(**fields), None)
    if isinstance(outcome, Problem):
        field = _PROBLEM_FIELDS.get(outcome.key, "date")
        return await _framed(turn, data, {field: form_problem(outcome.key, locale, outcome.params)})
    if isinstance(outcome, EntryChanged):
        listed = await _list(turn, data.back)
        if isinstance(listed, EntriesShown):
            return dataclasses.replace(listed, changed=outcome)
    return outcome


Action = Callable[[Turn, Any], Awaitable[Result]]

# verb → (handler, replaces the card the button was on); the payload models are in `bot.views.verbs`
EDIT_HANDLERS: dict[str, tuple[Action, bool]] = {
    verbs.EDIT: (_edit, True),
    verbs.EDIT_SAVE: (_save, True),
    verbs.EDIT_CANCEL: (_cancel, True),
    verbs.DELETE: (_delete, True),
    verbs.DELETE_CONFIRM: (_delete_confirm, True),
}
