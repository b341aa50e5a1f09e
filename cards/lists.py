"""Lists: time entries with their `@N` handles, and master data (projects, clients, tasks, tags)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.i18n import Message, render, t
from bot.views.entries import EntryView, NamedItem, ProjectView
from cards import actions as act
from cards import format as fmt
from cards.common import entry_path, entry_range
from cards.elements import (
    ROW_BUDGET_BYTES,
    action_set,
    card,
    column,
    columns,
    container,
    fit_rows,
    heading,
    more_line,
    size_of,
    text,
    user_text,
)

MAX_ENTRY_ROWS = 40
Element = dict[str, Any]
Editing = tuple[str, Sequence[Element]]  # the entry being edited and its form
MAX_ITEM_ROWS = 60
MAX_ACTION_ROWS = 15  # items that get their own buttons; the rest of a long list is names only (size)
# What an item's button runs: the operation a `on_project` button carries (the project is filled in).
_ITEM_ACTIONS = {
    "start": ("card.list.btn.start", {"kind": "start"}),
    "log": ("card.list.btn.log", {"kind": "form", "form": "log"}),
    "tasks": ("card.list.btn.tasks", {"kind": "tasks"}),
}


def _row_range(entry: EntryView, locale: str, one_day: bool) -> str:
    """A row's range; on a list of one day (its day said once, on top) only the clock times, so the range fits
    one line at 320 px."""
    if not one_day or entry.end is None or entry.end.date() != entry.start.date():
        return entry_range(entry, locale)
    shown = f"{fmt.time_of_day(entry.start)}–{fmt.time_of_day(entry.end)}"
    return f"{shown} ({user_text(entry.zone_note, 64)})" if entry.zone_note else shown


def _entry_row(
    entry: EntryView, locale: str, source: Mapping[str, Any] | None, *, one_day: bool = False
) -> dict[str, Any]:
    handle = f"@{entry.handle}" if entry.handle is not None else "·"
    duration = fmt.clock(entry.duration_seconds)  # a figure in a column, like the hours table ("1:30")
    if entry.running:
        duration = f"⏱ {duration}"
    lines = [
        columns(
            [
                column([text(handle, weight="Bolder")], "40px"),
                column([text(_row_range(entry, locale, one_day))], "stretch"),
                column([text(duration, weight="Bolder", align="Right")], "auto"),
            ]
        ),
        text(entry_path(entry, locale, limit=60), spacing="None", size="Small"),
    ]
    if entry.note.strip():
        lines.append(text(user_text(entry.note, 120), subtle=True, size="Small", spacing="None", max_lines=2))
    # Tapping a row opens its edit form inside this list (`back`: the list's operation, so it can be shown
    # again with the row expanded, and brought back by Cancel).
    data: dict[str, Any] = {"entry_id": entry.id}
    if source is not None:
        data["back"] = dict(source)
    select = act.execute(t("card.btn.edit", locale), act.EDIT, data, inputs=False)
    return container(lines, separator=True, spacing="Small", selectAction=select)


def _with_form(rows: list[Element], entries: Sequence[EntryView], editing: Editing) -> list[Element]:
    """The rows with the edit form right below the row of the entry it edits (on top if that row is not
    shown); the edited row is highlighted and loses its tap action (it is open already)."""
    entry_id, form = editing
    ids = [e.id for e in entries[: len(rows)]]
    panel = container(list(form), style="emphasis", spacing="None")
    if entry_id not in ids:
        return [panel, *rows]
    at = ids.index(entry_id)
    row = {k: v for k, v in rows[at].items() if k != "selectAction"}
    row["style"] = "accent"
    return [*rows[:at], row, panel, *rows[at + 1 :]]


def entries_card(
    period_label: str | Message,
    entries: Sequence[EntryView],
    locale: str,
    *,
    total_seconds: int,
    truncated: int = 0,
    source: Mapping[str, Any] | None = None,
    editing: Editing | None = None,
    notice: Sequence[Element] = (),
) -> dict[str, Any]:
    """`times`: one row per entry (handle, range, duration, path, note), at most 40 rows and within the size
    budget; the rest (plus `truncated` entries the service did not send) as "…and N more".

    `source` is the list's operation (a row's Edit carries it); `editing` (entry id, form elements) opens
    that row's edit form inside the list; `notice` goes on top (a change just saved, with its Undo)."""
    title = t("card.entries.title", locale, period=user_text(render(period_label, locale), 120))
    body: list[dict[str, Any]] = [heading(title), *notice]
    count = len(entries) + truncated
    if count == 0:
        body.append(text(t("card.entries.empty", locale)))
        return card(body, locale)
    body.append(
        text(
            t("card.entries.total", locale, count=count, duration=fmt.duration(total_seconds, locale)),
            spacing="Small",
        )
    )
    days = {e.start.date() for e in entries}
    one_day = len(days) == 1 and truncated == 0 and all(e.end is not None for e in entries)
    if one_day:
        body.append(text(fmt.day_label(entries[0].start, locale), subtle=True, spacing="None"))
    rows = [_entry_row(e, locale, source, one_day=one_day) for e in entries[:MAX_ENTRY_ROWS]]
    reserved = size_of(list(editing[1])) + size_of(list(notice)) if editing else size_of(list(notice))
    shown = fit_rows(rows, max_rows=MAX_ENTRY_ROWS, budget=ROW_BUDGET_BYTES - reserved)
    body.extend(_with_form(shown, entries, editing) if editing else shown)
    line = more_line(count - len(shown), locale)
    if line:
        body.append(line)
    body.append(text(t("card.entries.hint", locale), subtle=True, size="Small", separator=True))
    return card(body, locale)


def _item_line(item: NamedItem | ProjectView, locale: str) -> str:
    parts = [f"**{user_text(item.name, 80)}**"]
    if isinstance(item, ProjectView):
        if item.client:
            parts.append(user_text(item.client, 60))
        if item.billable:
            parts.append(t("card.list.billable", locale))
        if item.done:
            parts.append(t("card.list.done", locale))
    else:
        detail = " · ".join(([item.detail] if item.detail else []) + [render(m, locale) for m in item.marks])
        if detail:
            parts.append(user_text(detail, 120))
    return " · ".join(parts)


def _item_row(
    item: NamedItem | ProjectView, index: int, actions: Sequence[str], locale: str
) -> dict[str, Any]:
    """An item's line; with `actions` (and among the first `MAX_ACTION_ROWS`) its buttons under it."""
    line = text(_item_line(item, locale), spacing="Small")
    if not actions or index >= MAX_ACTION_ROWS:
        return line
    buttons = [
        act.execute(
            t(_ITEM_ACTIONS[name][0], locale),
            act.ON_PROJECT,
            {"project_id": item.id, "op": _ITEM_ACTIONS[name][1]},
            inputs=False,
        )
        for name in actions
        if name in _ITEM_ACTIONS
    ]
    return container([line, action_set(buttons, spacing="Small")], separator=index > 0, spacing="Small")


def list_card(
    title: str | Message,
    items: Sequence[NamedItem | ProjectView],
    locale: str,
    *,
    empty_hint: str | Message | None = None,
    actions: Sequence[str] = (),
) -> dict[str, Any]:
    """Projects (with client and billable marker), clients, tasks or tags; long lists end in "…and N more".
    `actions` ("start", "log", "tasks"): the buttons each item offers (the first `MAX_ACTION_ROWS` items).

    `title` is plain text (escaped); `empty_hint` is catalogue markdown."""
    body: list[dict[str, Any]] = [heading(user_text(render(title, locale), 120))]
    if not items:
        body.append(text(t("card.list.empty", locale)))
        if empty_hint:
            body.append(text(render(empty_hint, locale), subtle=True, size="Small"))
        return card(body, locale)
    rows = [_item_row(item, i, actions, locale) for i, item in enumerate(items[:MAX_ITEM_ROWS])]
    shown = fit_rows(rows, max_rows=MAX_ITEM_ROWS)
    body.extend(shown)
    line = more_line(len(items) - len(shown), locale)
    if line:
        body.append(line)
    return card(body, locale)
