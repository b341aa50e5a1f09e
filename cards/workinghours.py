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
from cards.common import period_title
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
# A note's fields that the service sends as whole seconds: said with the one duration format.
DURATION_FIELDS = frozenset({"worked", "max", "rest", "min", "required", "taken", "length"})
# Refusals that already say the state the person is in: the card does not repeat it under them.
_SAYS_STATE = {
    "wh.already_in": "in",
    "wh.already_on_break": "break",
    "wh.come_on_break": "break",
    "wh.already_out": "out",
}


def _field(name: str, value: str, locale: str) -> str:
    """A note's field for the card: a `day` the service sends as an ISO date reads "Mon 16 Nov", a duration
    (seconds) "7 h 30 min"."""
    if name == "day":
        try:
            return fmt.day_label(date.fromisoformat(value), locale)
        except ValueError:
            pass
    if name in DURATION_FIELDS and value.isdigit():
        return fmt.duration(int(value), locale)
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
        worked=fmt.duration(clock.worked_seconds, locale),
    )


def clock_buttons(clock: ClockView, locale: str, *, primary: bool = True) -> list[dict[str, Any]]:
    """Come (positive) when out; Break end (positive) and Go on a break; Break start and Go when in. Go is a
    normal action, not a destructive one: clocking out ends nothing that cannot be undone. `primary=False`
    where another button is the card's primary one (Stop on a running timer's status)."""

    def button(key: str, verb: str, style: str | None = None) -> dict[str, Any]:
        return act.execute(t(key, locale), verb, inputs=False, style=style if primary else None)

    if clock.state == "out":
        return [button("wh.card.btn.come", act.COME, "positive")]
    if clock.state == "break":
        return [button("wh.card.btn.break_end", act.BREAK_END, "positive"), button("wh.card.btn.go", act.GO)]
    return [button("wh.card.btn.break_start", act.BREAK_START), button("wh.card.btn.go", act.GO)]


def success(line: str) -> dict[str, Any]:
    """What went well, on the `good` style: dark text on a green surface, readable in every theme (green
    text on white is not)."""
    return container([text(line, weight="Bolder")], style="good")


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
        if _SAYS_STATE.get(problem.key) != clock.state:
            body.append(text(state_line(clock, locale), subtle=True, spacing="Small"))
    else:
        line, notes = _done_line(action, clock, notes, locale)
        body.append(success(line))
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


FIGURES = ("worked", "breaks", "booked", "unassigned")


def _cell(value: str, *, weight: str | None = None, subtle: bool = False) -> dict[str, Any]:
    return text(value, size="Small", weight=weight, subtle=subtle, spacing="None")


def _figures(cells: list[str], *, header: bool = False) -> dict[str, Any]:
    """Four equal columns: a quarter of a 320 px card holds the longest one-word header ("Gebucht"), so no
    header breaks mid-word ("Unassig/ned") the way six columns did."""
    return columns(
        [column([_cell(value, weight="Bolder" if header else None, subtle=header)], 1) for value in cells],
        spacing="None" if not header else "Medium",
    )


def _minutes(seconds: int) -> int:
    """Seconds cut to whole minutes, as `fmt.clock` shows them: totals summed from these agree with the
    rows."""
    return max(0, seconds) // 60 * 60


def _day_row(row: DayRow, locale: str) -> dict[str, Any]:
    """The day and its clocked span on one line ("Tue 17 Nov · 08:00–17:00"), its figures under the
    headers."""
    label = fmt.day_label(row.day, locale)
    if row.first_in and row.last_out:
        label = f"{label} · {fmt.time_of_day(row.first_in)}–{fmt.time_of_day(row.last_out)}"
    elif row.first_in:  # still clocked in
        label = f"{label} · {t('card.range.since', locale, time=fmt.time_of_day(row.first_in))}"
    figures = [row.worked_seconds, row.break_seconds, row.booked_seconds, row.unassigned_seconds]
    return container(
        [_cell(label, weight="Bolder"), _figures([fmt.clock(s) for s in figures])],
        spacing="Small",
    )


def _totals(view: HoursView) -> tuple[int, int, int, int]:
    """Worked, breaks, booked and unassigned of the period as the table's rows add up (whole minutes each)."""
    if not view.days:
        return view.worked_seconds, view.break_seconds, view.booked_seconds, view.unassigned_seconds
    rows = view.days
    return (
        sum(_minutes(r.worked_seconds) for r in rows),
        sum(_minutes(r.break_seconds) for r in rows),
        sum(_minutes(r.booked_seconds) for r in rows),
        sum(_minutes(r.unassigned_seconds) for r in rows),
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
        heading(
            "🕘 "
            + t(
                "wh.card.hours_title",
                locale,
                period=period_title(view.period_label, view.start, view.end, locale),
            )
        )
    ]
    if notice is not None:
        body.append(success("✅ " + _say(notice.key, locale, notice.params)))
    target_key = "wh.card.target_so_far" if view.partial else "wh.card.target"
    worked, breaks, booked, unassigned = _totals(view)
    summary = [
        (t("wh.card.worked", locale), fmt.duration(worked, locale)),
        (t("wh.card.breaks", locale), fmt.duration(breaks, locale)),
        (t("wh.card.booked", locale), fmt.duration(booked, locale)),
        (t("wh.card.unassigned", locale), fmt.duration(unassigned, locale)),
    ]
    if view.booked_outside_seconds:
        summary.append((t("wh.card.outside", locale), fmt.duration(view.booked_outside_seconds, locale)))
    summary += [
        (t(target_key, locale), fmt.duration(view.target_seconds, locale)),
        (t("wh.card.balance", locale), signed(worked - view.target_seconds, locale)),
    ]
    body.append(facts(summary))
    if view.days:
        body.append(_figures([t(f"wh.card.col.{name}", locale) for name in FIGURES], header=True))
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


def with_status_line(
    status: dict[str, Any], clock: ClockView, locale: str, *, timer_running: bool
) -> dict[str, Any]:
    """The `status` card with the working hours below it: their state and the Come/Go/Break buttons. Under a
    running timer these are secondary (the timer's Stop is the card's primary button)."""
    section = container(
        [
            text("🕘 " + status_line(clock, locale), subtle=True),
            action_set(clock_buttons(clock, locale, primary=not timer_running), spacing="Small"),
        ],
        separator=True,
        spacing="Medium",
    )
    return {**status, "body": [*status.get("body", []), section]}
