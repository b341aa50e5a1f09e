"""Pieces shared by several cards: an entry's path, echo fields, detail facts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.i18n import Message, render, t
from bot.views.entries import EntryView
from cards import format as fmt
from cards.elements import facts, tags_text, user_text

NAME_LIMIT = 80  # characters of one name part shown in a card
NOTE_LIMIT = 300


def entry_path(entry: EntryView, locale: str, *, limit: int = NAME_LIMIT) -> str:
    """The escaped "Client › Project › Task" of an entry (markdown-safe)."""
    if not entry.project:
        return t("card.no_project", locale)
    parts = (entry.client, entry.project, entry.task)
    return fmt.PATH_SEPARATOR.join(user_text(p, limit) for p in parts if p)


def entry_range(entry: EntryView, locale: str) -> str:
    """The entry's time range; a running entry started on an earlier day shows that day ("since Mon 16 Nov
    22:00"). "Now" is start + elapsed, so this stays a pure function of the view."""
    if entry.end is None:
        now = entry.start + timedelta(seconds=entry.duration_seconds)
        shown = fmt.time_range(entry.start, None, locale, today=now.date())
    else:
        shown = fmt.time_range(entry.start, entry.end, locale)
    return f"{shown} ({user_text(entry.zone_note, 64)})" if entry.zone_note else shown


def echo_fields(entry: EntryView, locale: str, *, typed: str | None = None) -> dict[str, str]:
    """The fields of an echo sentence; `typed`: the words a fuzzy project match came from, shown after the
    path ("Website (you typed “webseite”)") so a wrong guess is seen at once."""
    path = entry_path(entry, locale)
    if typed:
        path = t("card.you_typed", locale, path=path, typed=user_text(typed, NAME_LIMIT))
    return {
        "duration": fmt.duration(entry.duration_seconds, locale),
        "path": path,
        "range": entry_range(entry, locale),
    }


def entry_details(
    entry: EntryView, locale: str, *, note_limit: int = NOTE_LIMIT, note: bool = True
) -> dict[str, Any] | None:
    """A FactSet with tags, note and billable flag (only what is set)."""
    pairs: list[tuple[str, str]] = []
    if entry.tags:
        pairs.append((t("card.field.tags", locale), tags_text(entry.tags)))
    if note and entry.note.strip():
        pairs.append((t("card.field.note", locale), user_text(entry.note, note_limit)))
    if entry.billable:
        pairs.append((t("card.field.billable", locale), t("card.field.yes", locale)))
    return facts(pairs, spacing="Small") if pairs else None


# Periods whose name already is its dates, and the one without sensible bounds.
_NAMED_BY_DATES = ("parse.period.date", "parse.period.range")
_UNBOUNDED = ("parse.period.all",)


def period_title(name: str | Message, start: date, end: date, locale: str) -> str:
    """A period's heading with its days: "This week · Mon 30 Nov – Sun 6 Dec", "Today · Tue 17 Nov"; a period
    named by its dates is just them, with day names. Escaped (the name may carry text a person typed)."""
    if isinstance(name, Message) and name.key in _NAMED_BY_DATES:
        return fmt.day_range(start, end, locale)
    label = user_text(render(name, locale), 120)
    if isinstance(name, Message) and name.key in _UNBOUNDED:
        return label
    return f"{label} · {fmt.day_range(start, end, locale)}"
