"""Card forms: log time, start a timer, settings.

Every form keeps what the person entered (`values`, by input id) and shows server-side problems (`errors`, by
input id; other keys on top) in red under their field, so a rejected submit comes back as the same form.

Pickers: with few options an ordinary `Input.ChoiceSet`; with many, Teams' typeahead — `style: filtered` plus
`choices.data` (`Data.Query`, answered by the `application/search` invoke with at most 15 results). The task
query carries the card's inputs (`associatedInputs: auto`), so its results follow the chosen project.
`choices.data` is Teams' documented addition to `Input.ChoiceSet` (not in the Adaptive Cards 1.5 schema);
the static choices next to it (recent and selected options) keep the picker usable where it is ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.i18n import t
from bot.views.forms import FormView, Option, SettingsView
from cards import actions as act
from cards.elements import action_set, card, column, columns, heading, text, user_text
from cards.format import shorten
from cards.reminders import REMINDER_INPUTS, reminder_settings

Element = dict[str, Any]

STATIC_LIMIT = 15  # more options than this: typeahead (Teams shows at most 15 results anyway)
STATIC_TAG_LIMIT = 30
SEED_LIMIT = 5  # static choices offered next to a typeahead (recent ones), besides the selected one
TITLE_LIMIT = 80
NOTE_MAX = 2000
# Permissive: whatever the server can read passes (1h30m, 1,5 Std, 90 min, 1:30, 1 Std 30 Min); empty is fine.
DURATION_REGEX = r"^\s*([0-9]{1,3}([.,:][0-9]{1,2})?\s*[A-Za-zÄÖÜäöü.]*\s*){0,3}$"
LOG_INPUTS = ("project", "task", "date", "start", "end", "duration", "tags", "billable", "note")
START_INPUTS = ("project", "task", "tags", "billable", "note")
SETTINGS_INPUTS = (
    "timezone", "timezone_other", "admin_only_master_data", "weekly_target_hours", *REMINDER_INPUTS
)  # fmt: skip


def _title(value: str) -> str:
    """Choice titles are plain text (no markdown): only shorten."""
    return shorten(value, TITLE_LIMIT)


def _choices(options: Sequence[Option]) -> list[Element]:
    return [{"title": _title(o.title), "value": o.value} for o in options]


def _field_error(errors: Mapping[str, str], field: str) -> list[Element]:
    message = errors.get(field)
    if not message:
        return []
    return [
        text(user_text(message, 300), color="Attention", size="Small", spacing="None", id=f"error_{field}")
    ]


def _error_header(errors: Mapping[str, str], inputs: Sequence[str], locale: str) -> list[Element]:
    if not errors:
        return []
    out = [text(t("form.errors", locale), color="Attention", weight="Bolder")]
    out.extend(
        text(user_text(msg, 300), color="Attention", size="Small", spacing="None")
        for key, msg in errors.items()
        if key not in inputs and msg
    )
    return out


def _seeded(options: Sequence[Option], recent: int, selected: Sequence[str]) -> list[Option]:
    """The static choices next to a typeahead: the selected options first, then recent ones."""
    chosen = [o for o in options if o.value in selected]
    seeds = [o for o in options[: min(recent, SEED_LIMIT)] if o.value not in selected]
    return chosen + seeds


def picker(
    input_id: str,
    label: str,
    options: Sequence[Option],
    *,
    dataset: str,
    placeholder: str,
    search_placeholder: str,
    value: str | None,
    recent: int = 0,
    limit: int = STATIC_LIMIT,
    multi: bool = False,
    associated: bool = False,
    first: Sequence[Option] = (),
) -> Element:
    """A ChoiceSet: static when `options` fit `limit`, else a typeahead on `dataset` seeded with the selected
    and recent options; `first` (the edit form's "No project") leads either way and counts for neither."""
    element: Element = {"type": "Input.ChoiceSet", "id": input_id, "label": label}
    selected = [v for v in (value or "").split(",") if v] if multi else ([value] if value else [])
    if len(options) <= limit:
        element["style"] = "filtered" if multi else "compact"
        element["choices"] = _choices([*first, *options])
        element["placeholder"] = placeholder
    else:
        element["style"] = "filtered"
        element["choices"] = _choices([*first, *_seeded(options, recent, selected)])
        element["choices.data"] = {
            "type": "Data.Query",
            "dataset": dataset,
            "associatedInputs": "auto" if associated else "none",
        }
        element["placeholder"] = search_placeholder
    known = {c["value"] for c in element["choices"]}
    kept = [v for v in selected if v in known]
    if kept:
        element["value"] = ",".join(kept)
    if multi:
        element["isMultiSelect"] = True
    return element


def _task_options(view: FormView, *, every_project: bool = False) -> list[Option]:
    """Static task titles name their project unless the project is already chosen (and the choices are only
    its tasks). `every_project`: all tasks, named, whatever is chosen — a static list cannot follow a changed
    project, and the edit form starts with one chosen."""
    project, task = view.values.get("project"), view.values.get("task")
    if every_project:
        project = None
    names = {p.value: p.title for p in view.projects}

    def named(o: Option) -> Option:
        return o.model_copy(update={"title": f"{names.get(o.parent or '', '?')} › {o.title}"})

    if project:
        # the project's tasks, plus a kept choice from another project (marked as wrong, but not lost)
        return [o for o in view.tasks if o.parent == project] + [
            named(o) for o in view.tasks if o.value == task and o.parent != project
        ]
    return [named(o) for o in view.tasks]


def target_pickers(
    view: FormView, locale: str, *, every_project: bool = False, no_project: bool = False
) -> list[Element]:
    """Project and task pickers (the task's typeahead follows the chosen project), problems under them.
    `no_project`: the edit form's "No project" first (chosen when nothing else is), which removes it."""
    values, errors = view.values, view.errors
    first = [Option(value=act.NO_PROJECT, title=t("form.project.none", locale))] if no_project else []
    body: list[Element] = [
        picker(
            "project",
            t("form.project", locale),
            view.projects,
            dataset="projects",
            placeholder=t("form.project.placeholder", locale),
            search_placeholder=t("form.project.search", locale),
            value=values.get("project") or (act.NO_PROJECT if no_project else None),
            recent=view.recent_projects,
            first=first,
        )
    ]
    body.extend(_field_error(errors, "project"))
    if view.tasks:
        dynamic = len(view.projects) > STATIC_LIMIT or len(view.tasks) > STATIC_LIMIT
        tasks = _task_options(view, every_project=every_project)
        body.append(
            picker(
                "task",
                t("form.task", locale),
                tasks,
                dataset="tasks",
                placeholder=t("form.task.placeholder", locale),
                search_placeholder=t("form.task.search", locale),
                value=values.get("task"),
                limit=-1 if dynamic else STATIC_LIMIT,
                associated=True,
            )
        )
        body.extend(_field_error(errors, "task"))
    return body


def tags_picker(view: FormView, locale: str) -> list[Element]:
    """The tags multi-picker (none when the workspace has no tags), its problem under it."""
    if not view.tags:
        return []
    return [
        picker(
            "tags",
            t("form.tags", locale),
            view.tags,
            dataset="tags",
            placeholder=t("form.tags.placeholder", locale),
            search_placeholder=t("form.tags.search", locale),
            value=view.values.get("tags"),
            recent=view.recent_tags,
            limit=STATIC_TAG_LIMIT,
            multi=True,
        ),
        *_field_error(view.errors, "tags"),
    ]


def _details(view: FormView, locale: str) -> list[Element]:
    values, errors = view.values, view.errors
    body: list[Element] = tags_picker(view, locale)
    body.append(
        {
            "type": "Input.Toggle",
            "id": "billable",
            "title": t("form.billable", locale),
            "valueOn": "true",
            "valueOff": "default",
            "value": "true" if values.get("billable") == "true" else "default",
        }
    )
    note: Element = {
        "type": "Input.Text",
        "id": "note",
        "label": t("form.note", locale),
        "isMultiline": True,
        "maxLength": NOTE_MAX,
        "placeholder": t("form.note.placeholder", locale),
    }
    if values.get("note"):
        note["value"] = values["note"][:NOTE_MAX]
    body.append(note)
    body.extend(_field_error(errors, "note"))
    return body


def _when(view: FormView, locale: str) -> list[Element]:
    values, errors = view.values, view.errors
    body: list[Element] = [
        {
            "type": "Input.Date",
            "id": "date",
            "label": t("form.date", locale),
            "value": values.get("date") or view.today.isoformat(),
            "max": view.today.isoformat(),
            "isRequired": True,
            "errorMessage": t("form.date.required", locale),
        }
    ]
    body.extend(_field_error(errors, "date"))

    def time_input(field: str) -> list[Element]:
        element: Element = {"type": "Input.Time", "id": field, "label": t(f"form.{field}", locale)}
        if values.get(field):
            element["value"] = values[field]
        return [element, *_field_error(errors, field)]

    body.append(columns([column(time_input("start"), "stretch"), column(time_input("end"), "stretch")]))
    duration: Element = {
        "type": "Input.Text",
        "id": "duration",
        "label": t("form.duration", locale),
        "placeholder": t("form.duration.placeholder", locale),
        "maxLength": 40,
        "regex": DURATION_REGEX,
        "errorMessage": t("form.duration.invalid", locale),
    }
    if values.get("duration"):
        duration["value"] = values["duration"][:40]
    body.append(duration)
    body.extend(_field_error(errors, "duration"))
    return body


def form_card(view: FormView, locale: str) -> dict[str, Any]:
    """The log-time form (verb `log_save`: project, task, date, From/To or duration, tags, billable, note) or
    the start-timer form (verb `start_save`: project, task, tags, billable, note)."""
    log = view.kind == "log"
    inputs = LOG_INPUTS if log else START_INPUTS
    body: list[Element] = [heading(t("form.log.title" if log else "form.start.title", locale))]
    body.extend(_error_header(view.errors, inputs, locale))
    body.extend(target_pickers(view, locale))
    if log:
        body.extend(_when(view, locale))
    body.extend(_details(view, locale))
    save = act.execute(
        t("form.btn.log" if log else "form.btn.start", locale),
        act.LOG_SAVE if log else act.START_SAVE,
        style="positive",
    )
    cancel = act.execute(t("card.btn.cancel", locale), act.REFRESH_STATUS, inputs=False)
    body.append(action_set([save, cancel]))
    return card(body, locale, fallback_text=t("form.log.title" if log else "form.start.title", locale))


def settings_card(view: SettingsView, locale: str) -> dict[str, Any]:
    """Time zone (common zones, or any IANA name typed), language note; for admins the workspace policy.
    Save sends verb `settings_save`."""
    values, errors = view.values, view.errors
    body: list[Element] = [heading(t("form.settings.title", locale))]
    body.extend(_error_header(errors, SETTINGS_INPUTS, locale))
    body.append(text(t("form.settings.personal", locale), weight="Bolder", separator=True))
    zones = list(dict.fromkeys([view.timezone, *view.zones]))
    body.append(
        {
            "type": "Input.ChoiceSet",
            "id": "timezone",
            "label": t("form.settings.timezone", locale),
            "style": "filtered",
            "choices": [{"title": z.replace("_", " "), "value": z} for z in zones],
            "value": values.get("timezone") or view.timezone,
        }
    )
    body.extend(_field_error(errors, "timezone"))
    other: Element = {
        "type": "Input.Text",
        "id": "timezone_other",
        "label": t("form.settings.timezone_other", locale),
        "maxLength": 64,
        "regex": r"^\s*([A-Za-z_]+(/[A-Za-z0-9_+\-]+){0,2}|UTC|utc)?\s*$",
        "errorMessage": t("form.settings.timezone_unknown", locale, zone="…", suggestion="Europe/Berlin"),
    }
    if values.get("timezone_other"):
        other["value"] = values["timezone_other"][:64]
    body.append(other)
    body.extend(_field_error(errors, "timezone_other"))
    body.append(text(t("form.settings.language", locale), subtle=True, size="Small"))
    body.extend(reminder_settings(view, locale))
    if view.is_admin:
        body.append(text(t("form.settings.workspace", locale), weight="Bolder", separator=True))
        admin_only = values.get("admin_only_master_data") or (
            "true" if view.admin_only_master_data else "false"
        )
        body.append(
            {
                "type": "Input.Toggle",
                "id": "admin_only_master_data",
                "title": t("form.settings.admin_only", locale),
                "valueOn": "true",
                "valueOff": "false",
                "value": "true" if admin_only == "true" else "false",
            }
        )
        hours = values.get("weekly_target_hours") or _hours(view.weekly_target_minutes)
        body.append(
            {
                "type": "Input.Number",
                "id": "weekly_target_hours",
                "label": t("form.settings.weekly_target", locale),
                "min": 0,
                "max": 168,
                "isRequired": True,
                "errorMessage": t("form.settings.weekly_target_invalid", locale),
                **({"value": float(hours.replace(",", "."))} if _is_number(hours) else {}),
            }
        )
        body.extend(_field_error(errors, "weekly_target_hours"))
    body.append(
        action_set(
            [
                act.execute(t("card.btn.save", locale), act.SETTINGS_SAVE, style="positive"),
                act.execute(t("card.btn.cancel", locale), act.REFRESH_STATUS, inputs=False),
            ]
        )
    )
    return card(body, locale, fallback_text=t("form.settings.title", locale))


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g}"


def _is_number(value: str) -> bool:
    try:
        float(value.replace(",", "."))
    except ValueError:
        return False
    return True
