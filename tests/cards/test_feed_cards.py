"""The feed and reminder cards with the largest and most hostile content: valid Adaptive Cards 1.5, under
28 KB, every button routable, user text escaped, in English and German."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Message
from bot.views.entries import EntryView
from bot.views.feed import FeedDay, FeedEventView, FeedKeyView, FeedView, ProjectChoice, Suggestion
from bot.views.forms import SettingsView
from bot.views.reminders import DayNudgeView, TimerReminderView
from cards import feed, forms, reminders
from tests.cards.conftest import LONG_NAME, LONG_NOTE
from tests.http.test_teams_http import card_text

BERLIN = ZoneInfo("Europe/Berlin")
HOSTILE = "**bold** <at>Boss</at> [link](https://evil.example) - list"
Check = Callable[[dict[str, Any]], dict[str, Any]]


def events(n: int, day: date, name: str) -> list[FeedEventView]:
    start = datetime.combine(day, time(8), tzinfo=BERLIN)
    return [
        FeedEventView(
            source="custom",
            id=f"{'e' * 32}{i}",
            name=f"{name} {i}",
            description=LONG_NOTE,
            start=start + timedelta(minutes=20 * i),
            end=start + timedelta(minutes=20 * i + 15),
            duration_seconds=900,
            icon_url="https://example.com/" + "i" * 200 + ".png",
            url="https://example.com/" + "u" * 500,
            category=LONG_NAME,
            suggestion=Suggestion(value=f"p{i % 12}", title=LONG_NAME, reason="name") if i % 2 else None,
        )
        for i in range(n)
    ]


def feed_view(n: int, name: str = LONG_NAME, **extra: Any) -> FeedView:
    days = [date(2026, 11, 16), date(2026, 11, 17)]
    return FeedView(
        period_start=days[0],
        period_end=days[1] + timedelta(days=1),
        period_name=Message("parse.period.date", {"date": LONG_NAME}),
        days=[FeedDay(day=d, events=events(n // 2, d, name)) for d in days],
        projects=[ProjectChoice(value=f"p{i}" * 20, title=LONG_NAME) for i in range(12)],
        **extra,
    )


@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
@pytest.mark.parametrize("n", [0, 1, 2, 30])
def test_the_feed_card(check: Check, n: int, locale: str) -> None:
    card = check(feed.feed_card(feed_view(n), locale))
    if n == 30:
        assert "more" in card_text(card) or "weitere" in card_text(card)  # the rest did not fit


def test_the_feed_card_after_booking_with_undo_and_hostile_names(check: Check) -> None:
    notice = {"name": HOSTILE, "project": HOSTILE}
    view = feed_view(4, name=HOSTILE, notice_key="feed.booked", notice_params=notice, undo_token="tok",
                     undo_event=("custom", "e1"))  # fmt: skip
    card = check(feed.feed_card(view, "en-US"))
    text = card_text(card)
    assert "<at>" not in text and "\\*\\*bold\\*\\*" in text and "\\[link\\]" in text
    for key, params in (
        ("feed.booked_many", {"count": "3", "seconds": "5400", "failed": "0"}),
        ("feed.not_booked", {"name": HOSTILE, "reason_key": "service.too_long", "hours": "24"}),
    ):
        check(feed.feed_card(feed_view(2, notice_key=key, notice_params=params), "de-DE"))


def test_the_pushed_and_the_channel_card(check: Check) -> None:
    check(feed.pushed_card(feed_view(2), "en-US"))
    posted = check(feed.posted_card(feed_view(2, can_book=False), "de-DE"))
    assert not [a for a in reminders_actions(posted) if a.get("data", {}).get("verb") == "feed_book"]


def reminders_actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    from tests.support.cards import iter_actions

    return list(iter_actions(card))


def test_the_key_cards(check: Check) -> None:
    check(feed.key_created_card(LONG_NAME, "tbf_" + "x" * 43, LONG_NAME, "en-US"))
    now = datetime(2026, 11, 17, 9, tzinfo=BERLIN)
    keys = [FeedKeyView(name=f"{LONG_NAME} {i}", hint="…abcd", created_by=HOSTILE, created_at=now,
                        last_used_at=now if i % 2 else None) for i in range(60)]  # fmt: skip
    check(feed.keys_card(LONG_NAME, keys, "de-DE"))
    check(feed.keys_card("Contoso", [], "en-US"))


def entry() -> EntryView:
    start = datetime(2026, 11, 17, 7, 55, tzinfo=BERLIN)
    return EntryView(id="e", start=start, duration_seconds=10 * 3600, project=LONG_NAME, client=LONG_NAME,
                     task=LONG_NAME, note=LONG_NOTE, timezone="Europe/Berlin")  # fmt: skip


@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
def test_the_reminder_cards(check: Check, locale: str) -> None:
    stop_at = datetime(2026, 11, 17, 17, 30, tzinfo=BERLIN)
    for reason, at in (("end_of_day", stop_at), ("long", None)):
        view = TimerReminderView(
            entry=entry(), reason=reason, end_of_day=time(18), limit_hours=10, stop_at=at
        )  # type: ignore[arg-type]
        card = check(reminders.timer_reminder_card(view, locale))
        assert ("17:30" in card_text(card)) == (at is not None)
    nudge = DayNudgeView(day=date(2026, 11, 17), booked_seconds=1800, clocked_seconds=8 * 3600,
                         copy_from=date(2026, 11, 16), feed_events=3)  # fmt: skip
    check(reminders.nudge_card(nudge, locale))
    check(reminders.nudge_card(DayNudgeView(day=date(2026, 11, 17), booked_seconds=0), locale))
    check(reminders.day_copied_card([entry()] * 40, 2, date(2026, 11, 16), date(2026, 11, 17), locale))


def test_the_settings_card_has_the_reminder_section(check: Check) -> None:
    view = SettingsView(timezone="Europe/Berlin", zones=["Europe/Berlin"], end_of_day="17:30",
                        long_timer_hours=9, remind_nudge=False)  # fmt: skip
    card = check(forms.settings_card(view, "de-DE"))
    assert "Erinnerungen und Feed" in card_text(card)
    inputs = {n["id"]: n.get("value") for n in _inputs(card)}
    assert inputs["end_of_day"] == "17:30" and inputs["long_timer_hours"] == 9
    assert (inputs["remind_timer"], inputs["remind_nudge"], inputs["feed_push"]) == ("true", "false", "true")


def _inputs(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if str(node.get("type", "")).startswith("Input."):
            found.append(node)
        for value in node.values():
            found.extend(_inputs(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_inputs(value))
    return found
