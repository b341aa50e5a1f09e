"""Working-hours cards: the clock card after come/go/break and the `hours` card (clocked vs booked).

Buttons are `Action.Execute` (with the `Action.Submit` fallback) so the clock card updates in place.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.i18n import render, t
from bot.views.workinghours import ClockView, DayRow, Fix, HoursView, Note
from cards import actions as act
from cards import format as fmt
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
)

MAX_DAY_ROWS = 31
MAX_GAP_BUTTONS = 5
MAX_NOTES = 8


def _field(name: str, value: str, locale: str) -> str:
    """A note's field for the card: a `day` the service sends as an ISO date reads "Mon 16 Nov"."""
    if name == "day":
        try:
            return fmt.day_label(date.fromisoformat(value), locale)
        except ValueError:
            pass
    return fmt.escape(value)


def _say(key: str, locale: str, params: dict[str, str]) -> str:
    return t(key, locale, **{k: _field(k, v, locale) for k, v in params.items()})


def signed(seconds: int, locale: str) -> str:
    """ "+2 h 30 min", "−1 h", "0 min"."""
    if seconds == 0:
        return fmt.duration(0, locale)
    return ("+" if seconds > 0 else "−") + fmt.duration(abs(seconds), locale)


def fix_button(fix: Fix, locale: str) -> dict[str, Any]:
    return act.execute(_say(fix.label_key, locale, fix.params), fix.verb, fix.data, inputs=False)


def _moment(moment: datetime, today: date | None, locale: str) -> str:
    """ "08:00" today, "Mon 16 Nov 08:00" on another day."""
    clock = fmt.time_of_day(moment)
    return clock if today is None or moment.date() == today else f"{fmt.day_label(moment, locale)} {clock}"


def state_line(clock: ClockView, locale: str) -> str:
    today = clock.today or clock.day
    if clock.state != "out" and clock.since is not None:
        return t(f"wh.card.state.{clock.state}", locale, since=_moment(clock.since, today, locale))
    if clock.last_out is not None:
        return t("wh.card.state.out_at", locale, time=_moment(clock.last_out, today, locale))
    return t("wh.card.state.out", locale)


def status_line(clock: ClockView, locale: str) -> str:
    """One line for the `status` card."""
    return t(
        "wh.card.status_line",
        locale,
        state=state_line(clock, locale),
        worked=fmt.clock(clock.worked_seconds),
    )


def clock_buttons(clock: ClockView, locale: str) -> list[dict[str, Any]]:
    """Come (positive) when out; Break end (positive) and Go on a break; Break start and Go when in. Go is a
    normal action, not a destructive one: clocking out ends nothing that cannot be undone."""

    def button(key: str, verb: str, style: str | None = None) -> dict[str, Any]:
        return act.execute(t(key, locale), verb, inputs=False, style=style)

    if clock.state == "out":
        return [button("wh.card.btn.come", act.COME, "positive")]
    if clock.state == "break":
        return [button("wh.card.btn.break_end", act.BREAK_END, "positive"), button("wh.card.btn.go", act.GO)]
    return [button("wh.card.btn.break_start", act.BREAK_START), button("wh.card.btn.go", act.GO)]


def _notes(notes: list[Note], locale: str) -> list[dict[str, Any]]:
    """Rule warnings: readable text on the warning style (not low-contrast yellow text), each with its fix."""
    items: list[dict[str, Any]] = []
    for note in notes[:MAX_NOTES]:
        items.append(text("⚠ " + _say(note.key, locale, note.params), spacing="Small"))
        if note.fixes:
            items.append(action_set([fix_button(f, locale) for f in note.fixes[:4]], spacing="Small"))
    hidden = more_line(len(notes) - MAX_NOTES, locale)
    if hidden:
        items.append(hidden)
    return [container(items, style="warning", spacing="Medium")] if items else []


def _done_line(action: str, clock: ClockView, notes: list[Note], locale: str) -> tuple[str, list[Note]]:
    """What happened, in one line that already says when ("Clocked in at 08:00"), and the notes left."""
    today = clock.today or clock.day
    if action == "break_added" and notes and notes[0].key == "wh.break_added":
        return "✅ " + _say(notes[0].key, locale, notes[0].params), notes[1:]
    if action == "came" and clock.first_in is not None:
        moment = clock.since if clock.state == "in" and clock.since else clock.first_in
        return "✅ " + t("wh.card.came_at", locale, time=_moment(moment, today, locale)), notes
    if action == "went" and clock.last_out is not None:
        return "✅ " + t("wh.card.went_at", locale, time=_moment(clock.last_out, today, locale)), notes
    if action == "break_ended" and clock.state == "in" and clock.since is not None:
        since = _moment(clock.since, today, locale)
        return "✅ " + t("wh.card.break_ended_in", locale, since=since), notes
    if action == "break_started" and clock.since is not None:
        return "☕ " + t("wh.card.state.break", locale, since=_moment(clock.since, today, locale)), notes
    return ("✅ " if action != "restored" else "↩ ") + t(f"wh.card.{action}", locale), notes


def clock_card(
    action: str,
    clock: ClockView,
    locale: str,
    *,
    undo_token: str | None = None,
    notes: list[Note] | None = None,
) -> dict[str, Any]:
    """After come/go/break: what happened (once, with its time), the worked time of that day, rule
    warnings with their fixes, and the buttons for what comes next."""
    notes = list(notes or [])
    body: list[dict[str, Any]] = [heading("🕘 " + t("wh.card.title", locale))]
    refused = action == "refused"
    today = clock.today or clock.day
    if refused and notes:
        problem = notes.pop(0)
        body.append(
            container(
                [text(_say(problem.key, locale, problem.params), weight="Bolder")],
                style="attention",
            )
        )
        if problem.fixes:
            body.append(action_set([fix_button(f, locale) for f in problem.fixes[:4]], spacing="Small"))
        body.append(text(state_line(clock, locale), subtle=True, spacing="Small"))
    else:
        line, notes = _done_line(action, clock, notes, locale)
        body.append(text(line, weight="Bolder", color="Good"))
        if clock.day != today or action in ("restored", "break_added"):
            body.append(text(t("wh.card.now", locale, state=state_line(clock, locale)), subtle=True))
    worked_label = (
        t("wh.card.worked_today", locale)
        if clock.day == today
        else t("wh.card.worked_on", locale, day=fmt.day_label(clock.day, locale))
    )
    body.append(
        columns(
            [
                column(
                    [
                        text(worked_label, subtle=True, size="Small"),
                        text(
                            fmt.clock(clock.worked_seconds),
                            size="ExtraLarge",
                            weight="Bolder",
                            spacing="None",
                        ),
                    ],
                    "auto",
                ),
                column(
                    [
                        text(t("wh.card.breaks_today", locale), subtle=True, size="Small"),
                        text(fmt.clock(clock.break_seconds), size="ExtraLarge", spacing="None"),
                    ],
                    "auto",
                ),
            ]
        )
    )
    body += _notes(notes, locale)
    buttons = clock_buttons(clock, locale)
    if undo_token and not refused:
        buttons.append(act.execute(t("card.btn.undo", locale), act.UNDO, {"token": undo_token}, inputs=False))
    buttons.append(act.execute(t("wh.card.btn.hours", locale), act.HOURS, {"period": "today"}, inputs=False))
    body.append(action_set(buttons))
    return card(body, locale, fallback_text=f"{t('wh.card.title', locale)}: {state_line(clock, locale)}")


# ---- hours ----------------------------------------------------------------------------------------------


def _cell(value: str, *, weight: str | None = None, subtle: bool = False) -> dict[str, Any]:
    return text(value, size="Small", weight=weight, subtle=subtle, spacing="None")


def _row(cells: list[str], *, header: bool = False) -> dict[str, Any]:
    widths = [3, 3, 2, 2, 2, 2]
    return columns(
        [
            column([_cell(value, weight="Bolder" if header else None, subtle=header)], width)
            for value, width in zip(cells, widths, strict=True)
        ],
        spacing="None" if not header else "Medium",
    )


def _day_row(row: DayRow, locale: str) -> dict[str, Any]:
    start = fmt.time_of_day(row.first_in) if row.first_in else "–"
    end = fmt.time_of_day(row.last_out) if row.last_out else t("wh.card.open", locale)
    return _row(
        [
            fmt.day_label(row.day, locale),
            f"{start}–{end}" if row.first_in else "–",
            fmt.clock(row.worked_seconds),
            fmt.clock(row.break_seconds),
            fmt.clock(row.booked_seconds),
            fmt.clock(row.unassigned_seconds),
        ]
    )


def _gap_buttons(view: HoursView, locale: str) -> list[dict[str, Any]]:
    multi = (view.end - view.start).days > 1
    buttons: list[dict[str, Any]] = []
    for row in reversed(view.days):  # the most recent gaps first
        for start, end in row.gaps:
            span = f"{fmt.time_of_day(start)}–{fmt.time_of_day(end)}"
            if multi:
                span = f"{fmt.day_label(start, locale)} {span}"
            buttons.append(
                act.execute(
                    t("wh.card.book_gap", locale, range=span),
                    act.BOOK_GAP,
                    {"start": start.isoformat(), "end": end.isoformat()},
                    inputs=False,
                )
            )
            if len(buttons) >= MAX_GAP_BUTTONS:
                return buttons
    return buttons


def hours_card(
    view: HoursView, locale: str, *, notice: Note | None = None, undo_token: str | None = None
) -> dict[str, Any]:
    """`hours`: per day clocked/breaks/booked/unassigned, totals, balance, rule warnings, gap buttons."""
    period = render(view.period_label, locale)
    body: list[dict[str, Any]] = [
        heading("🕘 " + t("wh.card.hours_title", locale, period=fmt.escape(fmt.shorten(period, 80))))
    ]
    if notice is not None:
        body.append(text(_say(notice.key, locale, notice.params), weight="Bolder", color="Good"))
    target_key = "wh.card.target_so_far" if view.partial else "wh.card.target"
    summary = [
        (t("wh.card.worked", locale), fmt.duration(view.worked_seconds, locale)),
        (t("wh.card.breaks", locale), fmt.duration(view.break_seconds, locale)),
        (t("wh.card.booked", locale), fmt.duration(view.booked_seconds, locale)),
        (t("wh.card.unassigned", locale), fmt.duration(view.unassigned_seconds, locale)),
    ]
    if view.booked_outside_seconds:
        summary.append((t("wh.card.outside", locale), fmt.duration(view.booked_outside_seconds, locale)))
    summary += [
        (t(target_key, locale), fmt.duration(view.target_seconds, locale)),
        (t("wh.card.balance", locale), signed(view.balance_seconds, locale)),
    ]
    body.append(facts(summary))
    if view.days:
        header = [
            t(f"wh.card.col.{name}", locale)
            for name in ("day", "in_out", "worked", "breaks", "booked", "unassigned")
        ]
        body.append(_row(header, header=True))
        rows = [_day_row(r, locale) for r in view.days]
        kept = fit_rows(rows, max_rows=MAX_DAY_ROWS, budget=12 * 1024)
        body += kept
        hidden = more_line(len(rows) - len(kept), locale)
        if hidden:
            body.append(hidden)
    else:
        body.append(text(t("wh.card.empty", locale), subtle=True))
    if view.weeks:
        body.append(text(t("wh.card.weeks", locale), weight="Bolder", separator=True))
        for week in view.weeks[:6]:
            line = t(
                "wh.card.week_row",
                locale,
                week=week.label,
                worked=fmt.duration(week.worked_seconds, locale),
                target=fmt.duration(week.target_seconds, locale),
                balance=signed(week.balance_seconds, locale),
            )
            body.append(text(line, size="Small", spacing="None"))
    if view.warnings:
        body.append(text(t("wh.card.warnings", locale), weight="Bolder", separator=True))
        body += _notes(view.warnings, locale)
    gaps = _gap_buttons(view, locale)
    if gaps:
        body.append(text(t("wh.card.gaps", locale), weight="Bolder", separator=True))
        body.append(action_set(gaps, spacing="Small"))
    nav = [
        act.execute(t(f"wh.card.btn.{p}", locale), act.HOURS, {"period": p}, inputs=False)
        for p in ("today", "week", "month")
    ]
    if undo_token:
        nav.append(act.execute(t("card.btn.undo", locale), act.UNDO, {"token": undo_token}, inputs=False))
    body.append(action_set(nav))
    return card(
        body,
        locale,
        fallback_text=t("wh.card.hours_title", locale, period=period),
    )


def day_period_label(day: date, locale: str) -> str:
    return fmt.day_label(day, locale)


def with_status_line(status: dict[str, Any], clock: ClockView, locale: str) -> dict[str, Any]:
    """The `status` card with the working-hours state under its heading and Come/Go/Break buttons."""
    body = list(status.get("body", []))
    body.insert(min(2, len(body)), text(status_line(clock, locale), subtle=True, spacing="Small"))
    body.append(action_set(clock_buttons(clock, locale), spacing="Small"))
    return {**status, "body": body}
