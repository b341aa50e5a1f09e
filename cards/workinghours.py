"""Working-hours cards: the clock card after come/go/break and the `hours` card (clocked vs booked).

Buttons are `Action.Execute` (with the `Action.Submit` fallback) so the clock card updates in place.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.i18n import render, t
from bot.views.workinghours import ClockView, DayRow, Fix, HoursView, Note
from cards import actions as act
from cards import format as fmt
from cards.elements import action_set, card, column, columns, facts, fit_rows, heading, more_line, text

MAX_DAY_ROWS = 31
MAX_GAP_BUTTONS = 5
MAX_NOTES = 8


def _say(key: str, locale: str, params: dict[str, str]) -> str:
    return t(key, locale, **{k: fmt.escape(v) for k, v in params.items()})


def signed(seconds: int, locale: str) -> str:
    """ "+2 h 30 min", "−1 h", "0 min"."""
    if seconds == 0:
        return fmt.duration(0, locale)
    return ("+" if seconds > 0 else "−") + fmt.duration(abs(seconds), locale)


def fix_button(fix: Fix, locale: str) -> dict[str, Any]:
    return act.execute(_say(fix.label_key, locale, fix.params), fix.verb, fix.data, inputs=False)


def state_line(clock: ClockView, locale: str) -> str:
    if clock.state != "out" and clock.since is not None:
        since = fmt.time_of_day(clock.since)
        if clock.since.date() != clock.day:
            since = f"{fmt.day_label(clock.since, locale)} {since}"
        return t(f"wh.card.state.{clock.state}", locale, since=since)
    if clock.last_out is not None:
        return t("wh.card.state.out_at", locale, time=fmt.time_of_day(clock.last_out))
    return t("wh.card.state.out", locale)


def status_line(clock: ClockView, locale: str) -> str:
    """One line for the `status` card."""
    return t(
        "wh.card.status_line",
        locale,
        state=state_line(clock, locale),
        worked=fmt.duration(clock.worked_seconds, locale),
    )


def clock_buttons(clock: ClockView, locale: str) -> list[dict[str, Any]]:
    def button(key: str, verb: str, style: str | None = None) -> dict[str, Any]:
        return act.execute(t(key, locale), verb, inputs=False, style=style)

    if clock.state == "out":
        return [button("wh.card.btn.come", act.COME, "positive")]
    if clock.state == "break":
        return [button("wh.card.btn.break_end", act.BREAK_END, "positive"), button("wh.card.btn.go", act.GO)]
    return [
        button("wh.card.btn.break_start", act.BREAK_START),
        button("wh.card.btn.go", act.GO, "destructive"),
    ]


def _notes(notes: list[Note], locale: str, *, color: str = "Warning") -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = []
    for note in notes[:MAX_NOTES]:
        body.append(text("⚠ " + _say(note.key, locale, note.params), color=color, spacing="Small"))
        if note.fixes:
            body.append(action_set([fix_button(f, locale) for f in note.fixes[:4]], spacing="Small"))
    hidden = more_line(len(notes) - MAX_NOTES, locale)
    if hidden:
        body.append(hidden)
    return body


def clock_card(
    action: str,
    clock: ClockView,
    locale: str,
    *,
    undo_token: str | None = None,
    notes: list[Note] | None = None,
) -> dict[str, Any]:
    """After come/go/break: what happened, the state (clocked in since…), today's worked time, buttons."""
    notes = list(notes or [])
    body: list[dict[str, Any]] = [heading("🕘 " + t("wh.card.title", locale))]
    refused = action == "refused"
    if refused and notes:
        problem = notes.pop(0)
        body.append(text(_say(problem.key, locale, problem.params), color="Attention", weight="Bolder"))
        if problem.fixes:
            body.append(action_set([fix_button(f, locale) for f in problem.fixes[:4]], spacing="Small"))
    else:
        body.append(text(t(f"wh.card.{action}", locale), weight="Bolder"))
    body.append(text(state_line(clock, locale), spacing="Small"))
    body.append(
        columns(
            [
                column(
                    [
                        text(t("wh.card.worked_today", locale), subtle=True, size="Small"),
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
                        text(fmt.duration(clock.break_seconds, locale), size="Large", spacing="None"),
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
