"""Confirmation of a write (the echo), the edit form and the delete confirmation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.i18n import t
from bot.views.entries import EntryView
from cards import actions as act
from cards import format as fmt
from cards.common import echo_fields, entry_details
from cards.elements import action_set, card, container, heading, text, user_text

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
        buttons.append(
            act.execute(t("card.btn.edit", locale), act.EDIT, {"entry_id": entry.id}, inputs=False)
        )
        if not entry.running:
            buttons.append(
                act.execute(
                    t("card.btn.continue", locale), act.CONTINUE, {"entry_id": entry.id}, inputs=False
                )
            )
    if buttons:
        body.append(action_set(buttons))
    return card(body, locale, fallback_text=_plain(sentence))


def _plain(markdown: str) -> str:
    return markdown.replace("**", "").replace("*", "").replace("\\", "")


def _field_error(errors: Mapping[str, str], field: str) -> list[dict[str, Any]]:
    message = errors.get(field)
    if not message:
        return []
    return [
        text(user_text(message, 300), color="Attention", size="Small", spacing="None", id=f"error_{field}")
    ]


def edit_form_card(
    entry: EntryView, locale: str, *, errors: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Edit date, start, end (optional while running) and note. Server-side errors (by field name; other keys
    are shown on top) appear in red under their field. Save sends verb `edit_save` + `entry_id` + inputs."""
    errors = dict(errors or {})
    body: list[dict[str, Any]] = [heading(t("card.edit.title", locale))]
    body.append(text(echo_line(entry, locale), subtle=True, spacing="Small"))
    general = [msg for key, msg in errors.items() if key not in act.EDIT_INPUTS and msg]
    if errors:
        body.append(text(t("card.edit.errors", locale), color="Attention", weight="Bolder"))
        body.extend(
            text(user_text(msg, 300), color="Attention", size="Small", spacing="None") for msg in general
        )
    end = entry.end.astimezone(entry.start.tzinfo) if entry.end and entry.start.tzinfo else entry.end
    body.append(
        {
            "type": "Input.Date",
            "id": "date",
            "label": t("card.edit.date", locale),
            "value": entry.start.date().isoformat(),
            "isRequired": True,
            "errorMessage": t("card.edit.date_required", locale),
        }
    )
    body.extend(_field_error(errors, "date"))
    body.append(
        {
            "type": "Input.Time",
            "id": "start",
            "label": t("card.edit.start", locale),
            "value": fmt.time_of_day(entry.start),
            "isRequired": True,
            "errorMessage": t("card.edit.start_required", locale),
        }
    )
    body.extend(_field_error(errors, "start"))
    end_input: dict[str, Any] = {"type": "Input.Time", "id": "end"}
    if entry.running:
        end_input["label"] = t("card.edit.end_running", locale)
        end_input["isRequired"] = False
    else:
        end_input["label"] = t("card.edit.end", locale)
        end_input["isRequired"] = True
        end_input["errorMessage"] = t("card.edit.end_required", locale)
        if end is not None:
            end_input["value"] = fmt.time_of_day(end)
    body.append(end_input)
    body.extend(_field_error(errors, "end"))
    body.append(
        {
            "type": "Input.Text",
            "id": "note",
            "label": t("card.edit.note", locale),
            "isMultiline": True,
            "maxLength": 2000,
            "placeholder": t("card.edit.note_placeholder", locale),
            "value": entry.note,
        }
    )
    body.extend(_field_error(errors, "note"))
    body.append(
        action_set(
            [
                act.execute(
                    t("card.btn.save", locale), act.EDIT_SAVE, {"entry_id": entry.id}, style="positive"
                ),
                act.execute(t("card.btn.cancel", locale), act.REFRESH_STATUS, inputs=False),
                act.execute(t("card.btn.delete", locale), act.DELETE, {"entry_id": entry.id}, inputs=False),
            ]
        )
    )
    return card(body, locale)


def echo_line(entry: EntryView, locale: str) -> str:
    """ "**1 h 30 min** on *Acme › Website*, **Tue 17 Nov 14:00–15:30**" (no verb)."""
    return t("card.delete.what", locale, **echo_fields(entry, locale))


def delete_confirm_card(entry: EntryView, locale: str) -> dict[str, Any]:
    """ "Delete this entry?" with the entry, Delete (verb `delete_confirm`) and Keep."""
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
                    t("card.btn.delete", locale),
                    act.DELETE_CONFIRM,
                    {"entry_id": entry.id},
                    style="destructive",
                    inputs=False,
                ),
                act.execute(t("card.btn.keep", locale), act.REFRESH_STATUS, inputs=False),
            ]
        )
    )
    return card(body, locale)
