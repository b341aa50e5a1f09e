"""Day / week / month summaries: total, billable share, a row per group, per-day rows, gaps."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.i18n import render, t
from bot.views.entries import EntryView, SummaryView, TotalsRow
from cards import actions as act
from cards import format as fmt
from cards.common import entry_path, entry_range, period_title
from cards.elements import (
    action_set,
    card,
    column,
    columns,
    container,
    facts,
    fit_rows,
    heading,
    more_line,
    text,
    user_text,
)

MAX_GROUPS = 25
MAX_DAYS = 31
MAX_ENTRIES = 20  # a day's entries listed on its summary; `times` lists all of them
BAR_WIDTH = 10


def bar(share: int, width: int = BAR_WIDTH) -> str:
    """A text bar for a percentage: `40` → "████░░░░░░"."""
    filled = round(max(0, min(100, share)) * width / 100)
    if share > 0 and filled == 0:
        filled = 1
    return "█" * filled + "░" * (width - filled)


def _group_row(label: str, seconds: int, total: int, locale: str) -> dict[str, Any]:
    share = fmt.percent(seconds, total)
    return container(
        [
            columns(
                [
                    column([text(user_text(label, 80), weight="Bolder")], "stretch"),
                    column([text(fmt.duration(seconds, locale), align="Right")], "auto"),
                ]
            ),
            text(
                t("card.summary.share", locale, bar=bar(share), percent=share),
                monospace=True,
                subtle=True,
                size="Small",
                spacing="None",
            ),
        ],
        spacing="Small",
    )


def _label(row: TotalsRow, locale: str) -> str:
    """A row's label for `_group_row` (which escapes it): a day reads "Tue 17 Nov", like every other reply."""
    return fmt.day_label(row.day, locale) if row.day else render(row.label, locale)


def _span(entry: EntryView, locale: str) -> str:
    """The entry's times on the day's card, where the heading already names the day: "14:00–15:30", "since
    14:00"; an entry reaching into another day keeps its days."""
    end = entry.end.astimezone(entry.start.tzinfo) if entry.end and entry.start.tzinfo else entry.end
    if end is not None and end.date() != entry.start.date():
        return entry_range(entry, locale)
    if end is None:
        shown = t("card.range.since", locale, time=fmt.time_of_day(entry.start))
    else:
        shown = f"{fmt.time_of_day(entry.start)}–{fmt.time_of_day(end)}"
    return f"{shown} ({user_text(entry.zone_note, 64)})" if entry.zone_note else shown


def _entry_row(entry: EntryView, locale: str, source: dict[str, Any] | None = None) -> dict[str, Any]:
    """One entry of the day: its `@N` handle, times, duration, path and note, and its Edit button (whose
    form's Cancel brings this summary back: `source`)."""
    handle = f"@{entry.handle}" if entry.handle is not None else "·"
    duration = fmt.duration(entry.duration_seconds, locale)
    what = [  # short lines, so a 320 px card breaks none of them mid-figure
        text(_span(entry, locale) + (" ⏱" if entry.running else "")),
        text(f"**{duration}** · {entry_path(entry, locale, limit=60)}", size="Small", spacing="None"),
    ]
    if entry.note.strip():
        what.append(text(user_text(entry.note, 120), subtle=True, size="Small", spacing="None", max_lines=2))
    data: dict[str, Any] = {"entry_id": entry.id, **({"back": dict(source)} if source else {})}
    edit = act.execute(t("card.btn.edit", locale), act.EDIT, data, inputs=False)
    return columns(
        [
            column([text(handle, weight="Bolder")], "36px"),
            column(what, "stretch"),
            column([action_set([edit])], "auto", verticalContentAlignment="Center"),
        ],
        separator=True,
        spacing="Small",
    )


def _entries(view: SummaryView, locale: str) -> list[dict[str, Any]]:
    if not view.entries:
        return []
    entry_rows = [_entry_row(e, locale, view.source) for e in view.entries]
    rows = fit_rows(entry_rows, max_rows=MAX_ENTRIES, budget=14 * 1024)
    items: list[dict[str, Any]] = [text(t("card.summary.entries_of_day", locale), weight="Bolder"), *rows]
    hidden = len(view.entries) + view.more_entries - len(rows)
    if hidden > 0:
        line = more_line(hidden, locale)
        if line:
            items.append(line)
        items.append(action_set([act.run(t("card.summary.all_entries", locale), "times")], spacing="Small"))
    return items


def summary_card(view: SummaryView, locale: str) -> dict[str, Any]:
    period = render(view.period_label, locale)
    body: list[dict[str, Any]] = [heading(period_title(view.period_label, view.start, view.end, locale))]
    if view.total_seconds <= 0 and not view.rows and view.running is None:
        body.append(text(t("card.summary.empty", locale)))
        body.append(text(t("card.summary.empty_hint", locale), subtle=True, size="Small"))
        body.append(action_set([act.run(t("card.btn.start", locale), "start")]))
        return card(body, locale)

    total = fmt.duration(view.total_seconds, locale)
    body.append(text(t("card.summary.total", locale, duration=total), size="Large", spacing="Small"))
    stats: list[str] = []
    if view.billable_seconds:
        stats.append(
            t(
                "card.summary.billable",
                locale,
                percent=fmt.percent(view.billable_seconds, view.total_seconds),
                duration=fmt.duration(view.billable_seconds, locale),
            )
        )
    if view.entry_count:
        stats.append(t("card.summary.entries", locale, count=view.entry_count))
    if stats:
        body.append(text(" · ".join(stats), subtle=True, spacing="None"))
    body.extend(_entries(view, locale))

    if view.rows:
        by = (
            t(f"card.summary.by.{view.by}", locale)
            if view.by in ("project", "client", "task", "tag", "day")
            else user_text(view.by, 40)
        )
        body.append(text(t("card.summary.by", locale, by=by), weight="Bolder", separator=True))
        rows = [
            _group_row(_label(r, locale), r.seconds, view.total_seconds, locale)
            for r in view.rows[:MAX_GROUPS]
        ]
        shown = fit_rows(rows, max_rows=MAX_GROUPS, budget=12 * 1024)
        body.extend(shown)
        line = more_line(len(view.rows) - len(shown), locale)
        if line:
            body.append(line)

    single_day = view.end - view.start <= timedelta(days=1)
    if view.days and not single_day:
        body.append(text(t("card.summary.days", locale), weight="Bolder", separator=True))
        days = view.days[:MAX_DAYS]
        body.append(
            facts(
                [(user_text(_label(d, locale), 40), fmt.duration(d.seconds, locale)) for d in days],
                spacing="Small",
            )
        )
        line = more_line(len(view.days) - len(days), locale)
        if line:
            body.append(line)
    if single_day and view.gaps_seconds:
        body.append(
            text(
                t("card.summary.gaps", locale, duration=fmt.duration(view.gaps_seconds, locale)),
                subtle=True,
                separator=True,
            )
        )
    if view.running is not None:
        body.append(
            text(
                t(
                    "card.summary.running",
                    locale,
                    path=entry_path(view.running, locale),
                    range=entry_range(view.running, locale),
                ),
                subtle=True,
                size="Small",
            )
        )
    return card(body, locale, fallback_text=f"{period}: {total}")
