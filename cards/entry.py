"""Confirmation of a write (the echo), the edit form and the delete confirmation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.i18n import t
from bot.views.entries import EditOrigin, EntryView
from bot.views.forms import FormView
from cards import actions as act
from cards import format as fmt
from cards import forms
from cards.common import echo_fields, entry_details
from cards.elements import action_set, card, column, columns, container, heading, text, user_text

ENTRY_ACTIONS = ("logged", "stopped", "edited", "deleted", "cancelled", "continued", "restored", "started")
_GONE = ("deleted", "cancelled")  # the entry no longer exists: nothing to edit or continue


def echo(action: str, entry: EntryView, locale: str, *, typed: str | None = None) -> str:
    """The one-sentence interpretation of a write, e.g.
    "Logged **1 h 30 min** to *Acme › Website › Design*, **Tue 17 Nov 14:00–15:30**."."""
    if action not in ENTRY_ACTIONS:
        raise ValueError(f"unknown entry action {action!r}")
    return t(f"card.entry.{action}", locale, **echo_fields(entry, locale, typed=typed))


def entry_card(
    action: str,
    entry: EntryView,
    locale: str,
    *,
    undo_token: str | None = None,
    switched_from: EntryView | None = None,
    typed: str | None = None,
) -> dict[str, Any]:
    """The echo of a write with details and Undo / Edit / Continue (or Stop for a running entry)."""
    body: list[dict[str, Any]] = []
    if switched_from is not None:
        body.append(text(t("card.timer.switched", locale, **echo_fields(switched_from, locale)), subtle=True))
    sentence = echo(action, entry, locale, typed=typed)
    body.append(text(sentence, size="Medium"))
    details = entry_details(entry, locale)
    if details:
        body.append(details)
    buttons: list[dict[str, Any]] = []
    if undo_token:
        buttons.append(act.execute(t("card.btn.undo", locale), act.UNDO, {"token": undo_token}, inputs=False))
    if action not in _GONE:
        if entry.running:
            buttons.append(act.execute(t("card.btn.stop", locale), act.STOP, inputs=False))
        # Cancel on the edit form brings this card back, Undo included
        back = {"entry_id": entry.id, "echo": action, **({"token": undo_token} if undo_token else {})}
        buttons.append(act.execute(t("card.btn.edit", locale), act.EDIT, back, inputs=False))
        if not entry.running:
            buttons.append(
                act.execute(
                    t("card.btn.continue", locale), act.CONTINUE, {"entry_id": entry.id}, inputs=False
                )
            )
    if buttons:
        body.append(action_set(buttons))
    return card(body, locale, fallback_text=_plain(sentence))


def echo_notice(
    action: str, entry: EntryView, locale: str, *, undo_token: str | None = None
) -> dict[str, Any]:
    """A write said on top of another card (an edit saved inside a `times` list): the echo and its Undo."""
    items: list[dict[str, Any]] = [text("✓ " + echo(action, entry, locale))]
    if undo_token:
        undo = act.execute(t("card.btn.undo", locale), act.UNDO, {"token": undo_token}, inputs=False)
        items.append(action_set([undo], spacing="Small"))
    return container(items, style="good", spacing="Small")


def _plain(markdown: str) -> str:
    return markdown.replace("**", "").replace("*", "").replace("\\", "")


def _field_error(errors: Mapping[str, str], field: str) -> list[dict[str, Any]]:
    message = errors.get(field)
    if not message:
        return []
    return [
        text(user_text(message, 300), color="Attention", size="Small", spacing="None", id=f"error_{field}")
    ]


def _origin_data(entry: EntryView, origin: EditOrigin | None) -> dict[str, Any]:
    return {"entry_id": entry.id, **(origin.data() if origin else {})}


def edit_form_body(
    entry: EntryView,
    locale: str,
    *,
    errors: Mapping[str, str] | None = None,
    options: FormView | None = None,
    origin: EditOrigin | None = None,
    values: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The edit form's inputs and buttons: project (with "No project" first, which removes it) and task
    (pickers; typeahead when there are many), date, From/To (To optional while running), note, tags.
    Server-side errors (by field; other keys on top) show in red under their field, and `values` (what a
    refused save held, by input id) fill the inputs instead of the entry's. Save sends verb `edit_save` +
    `entry_id` + the origin + inputs; Cancel (`edit_cancel`) brings back the card the form came from."""
    errors = dict(errors or {})

    def shown(name: str, stored: str) -> str:
        return values.get(name, "") if values is not None else stored

    body: list[dict[str, Any]] = []
    general = [msg for key, msg in errors.items() if key not in act.EDIT_INPUTS and msg]
    if errors:
        body.append(text(t("card.edit.errors", locale), color="Attention", weight="Bolder"))
        body.extend(
            text(user_text(msg, 300), color="Attention", size="Small", spacing="None") for msg in general
        )
    view = None
    if options is not None:  # a refused save shows its own picks, not the entry's
        picked = (
            options.values if values is None else {k: values.get(k, "") for k in ("project", "task", "tags")}
        )
        view = options.model_copy(update={"errors": errors, "values": {k: v for k, v in picked.items() if v}})
        body.extend(forms.target_pickers(view, locale, every_project=True, no_project=True))
    end = entry.end.astimezone(entry.start.tzinfo) if entry.end and entry.start.tzinfo else entry.end
    body.append(
        {
            "type": "Input.Date",
            "id": "date",
            "label": t("card.edit.date", locale),
            "value": shown("date", entry.start.date().isoformat()),
            "isRequired": True,
            "errorMessage": t("card.edit.date_required", locale),
        }
    )
    body.extend(_field_error(errors, "date"))
    start_input: dict[str, Any] = {
        "type": "Input.Time",
        "id": "start",
        "label": t("card.edit.start", locale),
        "value": shown("start", fmt.time_of_day(entry.start)),
        "isRequired": True,
        "errorMessage": t("card.edit.start_required", locale),
    }
    end_input: dict[str, Any] = {"type": "Input.Time", "id": "end"}
    if entry.running:
        end_input["label"] = t("card.edit.end_running", locale)
        end_input["isRequired"] = False
    else:
        end_input["label"] = t("card.edit.end", locale)
        end_input["isRequired"] = True
        end_input["errorMessage"] = t("card.edit.end_required", locale)
    end_value = shown("end", fmt.time_of_day(end) if end is not None else "")
    if end_value:
        end_input["value"] = end_value
    body.append(
        columns(
            [
                column([start_input, *_field_error(errors, "start")], "stretch"),
                column([end_input, *_field_error(errors, "end")], "stretch"),
            ]
        )
    )
    body.append(
        {
            "type": "Input.Text",
            "id": "note",
            "label": t("card.edit.note", locale),
            "isMultiline": True,
            "maxLength": 2000,
            "placeholder": t("card.edit.note_placeholder", locale),
            "value": shown("note", entry.note),
        }
    )
    body.extend(_field_error(errors, "note"))
    if view is not None:
        body.extend(forms.tags_picker(view, locale))
    data = _origin_data(entry, origin)
    body.append(
        action_set(
            [
                act.execute(t("card.btn.save", locale), act.EDIT_SAVE, data, style="positive"),
                act.execute(t("card.btn.cancel", locale), act.EDIT_CANCEL, data, inputs=False),
                act.execute(t("card.btn.delete", locale), act.DELETE, data, inputs=False),
            ]
        )
    )
    return body


def edit_form_card(
    entry: EntryView,
    locale: str,
    *,
    errors: Mapping[str, str] | None = None,
    options: FormView | None = None,
    origin: EditOrigin | None = None,
    values: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The edit form on a card of its own (it replaced the echo it was opened from)."""
    body: list[dict[str, Any]] = [heading(t("card.edit.title", locale))]
    body.append(text(echo_line(entry, locale), subtle=True, spacing="Small"))
    body.extend(edit_form_body(entry, locale, errors=errors, options=options, origin=origin, values=values))
    return card(body, locale, fallback_text=t("card.edit.title", locale))


def echo_line(entry: EntryView, locale: str) -> str:
    """ "**1 h 30 min** on *Acme › Website*, **Tue 17 Nov 14:00–15:30**" (no verb)."""
    return t("card.delete.what", locale, **echo_fields(entry, locale))


def delete_confirm_card(entry: EntryView, locale: str, *, origin: EditOrigin | None = None) -> dict[str, Any]:
    """ "Delete this entry?" with the entry, Delete (verb `delete_confirm`) and Keep (back to the card the
    edit form came from, `origin`; else the status)."""
    data = _origin_data(entry, origin)
    keep = (
        act.execute(t("card.btn.keep", locale), act.EDIT_CANCEL, data, inputs=False)
        if origin is not None
        else act.execute(t("card.btn.keep", locale), act.REFRESH_STATUS, inputs=False)
    )
    body: list[dict[str, Any]] = [
        heading(t("card.delete.title", locale)),
        container([text(echo_line(entry, locale))], style="emphasis"),
    ]
    details = entry_details(entry, locale)
    if details:
        body.append(details)
    body.append(
        action_set(
            [
                act.execute(
                    t("card.btn.delete", locale), act.DELETE_CONFIRM, data, style="destructive", inputs=False
                ),
                keep,
            ]
        )
    )
    return card(body, locale)
