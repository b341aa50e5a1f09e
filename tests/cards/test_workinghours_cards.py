"""Working-hours cards validate (schema + 28 KB) and route, with realistic and extreme data, en and de."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.views.workinghours import ClockView, DayRow, Fix, HoursView, Note, WeekRow
from cards import workinghours as wh
from tests.http.test_teams_http import card_text
from tests.support.cards import assert_routable, assert_valid_card

BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 11, 17, 8, 12, tzinfo=BERLIN)
LOCALES = ("en-US", "de-DE")


def _clock(state: str = "in") -> ClockView:
    return ClockView(
        state=state,  # type: ignore[arg-type]
        since=None if state == "out" else T0,
        day=T0.date(),
        worked_seconds=6 * 3600 + 15 * 60,
        break_seconds=900,
        first_in=T0,
        last_out=T0 + timedelta(hours=9) if state == "out" else None,
    )


def _fix() -> Fix:
    return Fix("wh.fix.add_break", {"length": "900"}, "add_break", {"minutes": 15, "day": "2026-11-17"})


def _note(key: str = "wh.rule.break") -> Note:
    params = {  # durations in seconds, as the service sends them
        "worked": "22500",
        "required": "1800",
        "taken": "900",
        "day": "2026-11-17",
        "max": "36000",
        "start": "11:00",
        "end": "11:30",
    }
    return Note(key, params, [_fix()])


def _day(day: date, gaps: int = 1) -> DayRow:
    start = datetime.combine(day, T0.timetz())
    return DayRow(
        day=day,
        first_in=start,
        last_out=start + timedelta(hours=9),
        worked_seconds=8 * 3600,
        break_seconds=1800,
        booked_seconds=6 * 3600,
        unassigned_seconds=2 * 3600,
        gaps=[(start + timedelta(hours=i), start + timedelta(hours=i, minutes=30)) for i in range(gaps)],
    )


def _hours(days: int, *, warnings: int = 1, label: str = "This week") -> HoursView:
    first = date(2026, 11, 1)
    rows = [_day(first + timedelta(days=i), gaps=3) for i in range(days)]
    return HoursView(
        period_label=label,
        start=first,
        end=first + timedelta(days=max(days, 1)),
        days=rows,
        worked_seconds=8 * 3600 * days,
        break_seconds=1800 * days,
        booked_seconds=6 * 3600 * days,
        unassigned_seconds=2 * 3600 * days,
        booked_outside_seconds=600,
        target_seconds=8 * 3600 * days - 3600,
        weeks=[WeekRow("2026-W45", first, 40 * 3600, 40 * 3600)] * (days // 7),
        warnings=[_note("wh.rule.day.break"), _note("wh.rule.day.max_daily")] * warnings,
        partial=True,
    )


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("state", ["in", "break", "out"])
@pytest.mark.parametrize(
    "action", ["came", "went", "break_started", "break_ended", "break_added", "restored"]
)
def test_clock_cards(locale: str, state: str, action: str) -> None:
    card = wh.clock_card(action, _clock(state), locale, undo_token="tok", notes=[_note()])
    assert_valid_card(card)
    assert_routable(card)


@pytest.mark.parametrize("locale", LOCALES)
def test_refused_clock_card_leads_with_the_problem_and_its_fixes(locale: str) -> None:
    problem = Note(
        "wh.not_in",
        {},
        [Fix("wh.fix.in_and_out", {"start": "08:00", "end": "17:00"}, "go", {"come_at": T0.isoformat()})],
    )
    card = wh.clock_card("refused", _clock("out"), locale, undo_token="tok", notes=[problem])
    assert_valid_card(card)
    assert_routable(card)
    assert card["body"][1]["style"] == "attention"  # the problem on the attention style, readable text
    verbs = [a["data"]["verb"] for a in card["body"][2]["actions"]]
    assert verbs == ["go"] and "undo" not in str(card)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("days", [0, 1, 7, 31])
def test_hours_cards(locale: str, days: int) -> None:
    card = wh.hours_card(_hours(days), locale, notice=_note("wh.break_added"), undo_token="tok")
    assert_valid_card(card)
    assert_routable(card)


def test_extreme_hours_card_stays_under_the_limit() -> None:
    view = _hours(31, warnings=40, label="*" * 500)
    card = wh.hours_card(view, "de-DE")
    assert_valid_card(card)
    gap_buttons = [a for a in _actions(card) if a.get("data", {}).get("verb") == "book_gap"]
    assert 0 < len(gap_buttons) <= wh.MAX_GAP_BUTTONS


@pytest.mark.parametrize("locale", LOCALES)
def test_success_reads_as_success_and_go_is_not_destructive(locale: str) -> None:
    """Issue 9: "Break added" showed as a ⚠ in low-contrast yellow, Go was styled destructive, and "Clocked
    in." was followed by "Clocked in since 08:00"."""
    added = Note("wh.break_added", {"start": "12:00", "end": "12:30"})
    card = wh.clock_card("break_added", _clock("in"), locale, undo_token="tok", notes=[added])
    line = card["body"][1]  # dark text on the good style, not green text on white
    assert line["style"] == "good" and "color" not in line["items"][0]
    assert line["items"][0]["text"].startswith("✅") and "12:00" in line["items"][0]["text"]
    assert "⚠" not in str(card)
    came = wh.clock_card("came", _clock("in"), locale, undo_token="tok")
    texts = card_text(came).splitlines()
    assert sum("08:12" in text for text in texts) == 1, texts  # said once
    styles = {a["title"]: a.get("style") for a in _actions(came)}
    assert "destructive" not in styles.values()
    warned = wh.clock_card("went", _clock("out"), locale, notes=[_note("wh.rule.day.break")])
    [box] = [b for b in warned["body"] if b.get("style") == "warning"]
    assert box["style"] == "warning" and "color" not in box["items"][0]


def test_status_line_and_buttons() -> None:
    status = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "x"}]}
    card = wh.with_status_line(status, _clock("break"), "en-US", timer_running=False)
    section = card["body"][-1]  # below what the status card says
    line = section["items"][0]["text"]
    assert "On a break since 08:12" in line and "6 h 15 min" in line
    assert [a["data"]["verb"] for a in section["items"][1]["actions"]] == ["break_end", "go"]


def _actions(node: object) -> list[dict]:  # type: ignore[type-arg]
    found: list[dict] = []  # type: ignore[type-arg]
    if isinstance(node, dict):
        if str(node.get("type", "")).startswith("Action."):
            found.append(node)
        for key, value in node.items():
            if key != "fallback":
                found += _actions(value)
    elif isinstance(node, list):
        for item in node:
            found += _actions(item)
    return found
