"""Locale-aware formatting for cards: durations, clock readings, day labels, time ranges, project paths.

Own small name tables for English and German (no babel); 24-hour clock everywhere. Results are plain text:
cards pass anything that contains user data through `escape` before putting it into markdown.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from bot.i18n import language, t

_WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "de": ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."),
}
_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "de": ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."),
}

PATH_SEPARATOR = " › "


def duration(seconds: int | float, locale: str) -> str:
    """A duration in prose: `5400` → "1 h 30 min", `2700` → "45 min", `7200` → "2 h", `0` → "0 min",
    `30` → "less than 1 min".

    The one way a card says how long something took (`clock` is its h:mm twin for figures). Whole minutes,
    rounded down like `clock`, so "0:00" and "less than 1 min" never contradict each other; seconds are
    never shown to people.
    """
    total = max(0, int(seconds))
    if 0 < total < 60:
        return t("card.dur.under_min", locale)
    hours, minutes = divmod(total // 60, 60)
    if hours and minutes:
        return t("card.dur.h_min", locale, h=hours, m=minutes)
    if hours:
        return t("card.dur.h", locale, h=hours)
    return t("card.dur.min", locale, m=minutes)


def clock(seconds: int | float) -> str:
    """A duration as a figure, h:mm: `5400` → "1:30", `59` → "0:00", `90061` → "25:01" (whole minutes, rounded
    down like `duration`)."""
    total = max(0, int(seconds))
    hours, minutes = divmod(total // 60, 60)
    return f"{hours}:{minutes:02d}"


def day_label(day: date | datetime, locale: str) -> str:
    """ "Tue 17 Nov" (en) / "Di. 17. Nov." (de)."""
    lang = language(locale)
    weekday = _WEEKDAYS[lang][day.weekday()]
    month = _MONTHS[lang][day.month - 1]
    if lang == "de":
        return f"{weekday} {day.day}. {month}"
    return f"{weekday} {day.day} {month}"


def date_span(first: date, last: date, locale: str) -> str:
    """The days from `first` to `last` (inclusive), as briefly as is unambiguous: "17 Nov", "1–31 Dec",
    "30 Nov – 6 Dec", "29 Dec 2025 – 4 Jan 2026" (de: "1.–31. Dez.", "30. Nov. – 6. Dez."), a day never
    broken across lines (nor "1–31 Dec")."""
    lang = language(locale)

    def day(d: date, *, month: bool = True, year: bool = False) -> str:
        # no-break spaces: a narrow card wraps between the days, never inside one ("31 | Dec")
        sep = "." if lang == "de" else ""
        text = f"{d.day}{sep}"
        if month:
            text += f"\u00a0{_MONTHS[lang][d.month - 1]}"
        return f"{text}\u00a0{d.year}" if year else text

    if first == last:
        return day(first)
    if first.year != last.year:
        return f"{day(first, year=True)} – {day(last, year=True)}"
    if first.month == last.month:
        return f"{day(first, month=False)}\u2060–\u2060{day(last)}"  # word joiners: "1–31 Dec" stays whole
    return f"{day(first)} – {day(last)}"


def day_range(start: date, end: date, locale: str) -> str:
    """The days [start, end) with their day names, like every other reply: "Mon 30 Nov – Sun 6 Dec", one day
    "Tue 17 Nov"; the years when they differ ("Mon 29 Dec 2025 – Sun 4 Jan 2026")."""
    last = max(start, end - timedelta(days=1))
    first_label, last_label = day_label(start, locale), day_label(last, locale)
    if last == start:
        return first_label
    if start.year != last.year:
        return f"{first_label} {start.year} – {last_label} {last.year}"
    return f"{first_label} – {last_label}"


def time_of_day(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def time_range(start: datetime, end: datetime | None, locale: str, *, today: date | None = None) -> str:
    """A time span in the start's zone.

    Same day: "Tue 17 Nov 14:00–15:30"; ending exactly at the next midnight: "Tue 17 Nov 22:00–24:00";
    crossing midnight: "Mon 16 Nov 22:00 – Tue 17 Nov 01:30"; running: "since 14:00" (with the day when
    `today` is given and the timer started on another day: "since Mon 16 Nov 22:00").
    """
    if end is None:
        moment = time_of_day(start)
        if today is not None and start.date() != today:
            moment = f"{day_label(start, locale)} {moment}"
        return t("card.range.since", locale, time=moment)
    if start.tzinfo is not None and end.tzinfo is not None:
        end = end.astimezone(start.tzinfo)
    first = day_label(start, locale)
    if end.date() == start.date():
        return f"{first} {time_of_day(start)}–{time_of_day(end)}"
    if end.date() == start.date() + timedelta(days=1) and (end.hour, end.minute, end.second) == (0, 0, 0):
        return f"{first} {time_of_day(start)}–24:00"
    return f"{first} {time_of_day(start)} – {day_label(end, locale)} {time_of_day(end)}"


def project_path(client: str | None, project: str | None, task: str | None = None, locale: str = "en") -> str:
    """ "Acme › Website › Design"; missing parts are skipped; no project → "No project"."""
    if not project:
        return t("card.no_project", locale)
    return PATH_SEPARATOR.join(part for part in (client, project, task) if part)


def percent(part: int, whole: int) -> int:
    """Whole percent, 0 for an empty whole, never above 100."""
    if whole <= 0:
        return 0
    return min(100, round(part * 100 / whole))


def shorten(text: str, limit: int) -> str:
    """Cut to at most `limit` characters, marking the cut with "…"."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + "…"


# Adaptive Card markdown is a CommonMark subset: a backslash before ASCII punctuation makes it literal.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>~&])")
_LINE_START = re.compile(r"^([ \t]*)([-+]|\d+(?=[.)]))", re.MULTILINE)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker in "-+":
        return f"{indent}\\{marker}"
    return f"{indent}{marker}\\"  # "1. " → "1\. "


def escape(text: str) -> str:
    """Make user text render literally in a TextBlock: `**hi**` stays `**hi**`, `<at>x</at>` is no mention,
    `[a](b)` no link, and a line starting with "- " or "1." no list."""
    return _LINE_START.sub(_escape_line_start, _MD_SPECIAL.sub(r"\\\1", text))
