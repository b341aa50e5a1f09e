"""Reminders with a clock the test moves, across the end of summer time in Berlin (25 Oct 2026, 03:00 CEST →
02:00 CET): 18:00 is 16:00 UTC before and 17:00 UTC after. Sent once per person, kind and day — across a
restart, with two bot processes checking at the same moment, and when a worker dies holding a reminder."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.features.reminders import ReminderWorker, reminder_key
from bot.service.schedule import end_of_day_at
from bot.store.reminders import LEASE
from bot.store.state import UserPrefs
from tests.feed.conftest import ALICE, World, make_world
from tests.http.test_teams_http import action, card_text
from tests.support.harness import TENANT

BERLIN = ZoneInfo("Europe/Berlin")
FRIDAY = datetime(2026, 10, 23, 8, 0, tzinfo=BERLIN)  # summer time: UTC+2


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
async def world(engine: AsyncEngine) -> AsyncIterator[World]:
    async for w in make_world(engine, FRIDAY):
        yield w


async def due(world: World, at: datetime) -> int:
    world.clock.set(at)
    assert world.bot.reminder_worker is not None
    return await world.bot.reminder_worker.run_due()


def test_the_end_of_day_is_the_persons_wall_clock_on_each_date() -> None:
    prefs = UserPrefs(tenant_id="t", aad_object_id="a")
    assert end_of_day_at(date(2026, 10, 23), BERLIN, prefs) == utc(2026, 10, 23, 16)
    assert end_of_day_at(date(2026, 10, 26), BERLIN, prefs) == utc(2026, 10, 26, 17)
    new_york = ZoneInfo("America/New_York")  # its summer time ends a week later, on 1 November
    assert end_of_day_at(date(2026, 10, 30), new_york, prefs) == utc(2026, 10, 30, 22)
    assert end_of_day_at(date(2026, 11, 2), new_york, prefs) == utc(2026, 11, 2, 23)
    late = prefs.model_copy(update={"end_of_day": "17:30"})
    assert end_of_day_at(date(2026, 10, 26), BERLIN, late) == utc(2026, 10, 26, 16, 30)


async def test_a_timer_left_running_is_reminded_at_the_end_of_day_across_the_dst_change(world: World) -> None:
    chat = world.chat(ALICE)
    await world.say("start")  # Friday 08:00 CEST
    assert await due(world, utc(2026, 10, 23, 15, 59)) == 0
    assert await due(world, utc(2026, 10, 23, 16, 0)) == 1  # 18:00 CEST
    [card] = await world.delivered(chat)
    text = card_text(card)
    assert "Your timer is still running" in text and "past your end of day (18:00)" in text
    assert "Stop at 18:00" in text and "Stop now" in text and "Keep running" in text
    assert await due(world, utc(2026, 10, 23, 16, 1)) == 0  # at most once a day
    world.clock.set(utc(2026, 10, 23, 19))
    stopped = await world.press(action(card, "reminder_stop"))
    assert "18:00" in card_text(stopped)
    [entry] = await (await world.backend()).list_time_entries(FRIDAY, FRIDAY + timedelta(hours=14))
    assert entry.end == utc(2026, 10, 23, 16)
    # Sunday, after the change: the same 18:00 is now 17:00 UTC.
    world.clock.set(utc(2026, 10, 25, 8))  # 09:00 CET
    await world.say("start")
    assert await due(world, utc(2026, 10, 25, 16, 0)) == 0  # a naive "same UTC time" would fire here
    assert await due(world, utc(2026, 10, 25, 16, 59)) == 0
    assert await due(world, utc(2026, 10, 25, 17, 0)) == 1
    cards = await world.delivered(chat, 2)
    assert len(cards) == 2 and "past your end of day (18:00)" in card_text(cards[1])
    kept = await world.press(action(cards[1], "reminder_keep"))
    assert "keeps running" in card_text(kept)


async def test_a_long_timer_started_by_the_bot_is_reminded_when_it_passes_the_limit(world: World) -> None:
    await world.say("start")  # 08:00; the limit is 10 hours by default: 18:00, the end of day anyway
    settings = await world.say("settings")
    saved = await world.press(
        action(settings, "settings_save"), card=settings, inputs={"long_timer_hours": 3}
    )
    assert "Settings saved" in card_text(saved)
    world.clock.set(utc(2026, 10, 23, 7))  # 09:00 CEST
    await world.say("start")  # a new timer (the old one stops), after the limit was set: checked at 12:00
    assert await due(world, utc(2026, 10, 23, 9, 59)) == 0
    assert await due(world, utc(2026, 10, 23, 10, 0)) == 1
    [card] = await world.delivered(world.chat(ALICE))
    assert "running for more than 3 hours" in card_text(card)
    assert "Stop at" not in card_text(card)  # no activity after the start, and the end of day is ahead


async def test_a_workday_with_nothing_booked_gets_one_nudge_with_one_tap_fixes(world: World) -> None:
    chat = world.chat(ALICE)
    world.clock.set(utc(2026, 10, 23, 11))  # Friday 13:00 CEST
    assert "Logged" in card_text(await world.say('log 09:00-12:30 "planning"'))
    world.clock.set(utc(2026, 10, 26, 6))  # Monday 07:00 CET
    await world.say("status")
    assert await due(world, utc(2026, 10, 26, 16, 59)) == 0
    assert await due(world, utc(2026, 10, 26, 17, 0)) == 1
    [nudge] = await world.delivered(chat)
    text = card_text(nudge)
    assert "Nothing is booked for Mon 26 Oct yet" in text and "Open log form" in text
    assert "Log like Fri 23 Oct" in text  # the last day with entries (the weekend had none)
    copied = await world.press(action(nudge, "copy_day"))
    assert "Booked 1 entry like Fri 23 Oct on Mon 26 Oct: **3 h 30 min**" in card_text(copied)
    monday = datetime(2026, 10, 26, tzinfo=BERLIN)
    [entry] = await (await world.backend()).list_time_entries(monday, monday + timedelta(days=1))
    assert (entry.start, entry.end) == (utc(2026, 10, 26, 8), utc(2026, 10, 26, 11, 30))  # 09:00 CET now
    assert await due(world, utc(2026, 10, 26, 17, 30)) == 0
    assert (
        action(nudge, "log_form")["title"] == "Open log form"
    )  # the form itself: tests/http/test_forms_http.py


async def test_weekends_and_switched_off_reminders_stay_quiet(world: World) -> None:
    world.clock.set(utc(2026, 10, 24, 8))  # Saturday
    await world.say("status")
    assert await due(world, utc(2026, 10, 24, 16)) == 0  # nothing booked, but it is no workday
    settings = await world.say("settings")
    saved = await world.press(
        action(settings, "settings_save"),
        card=settings,
        inputs={"remind_nudge": "false", "remind_timer": "false"},
    )
    assert "Settings saved" in card_text(saved)
    world.clock.set(utc(2026, 10, 26, 8))
    await world.say("start")
    assert await due(world, utc(2026, 10, 26, 17)) == 0  # Monday: nothing booked, a timer runs, both off
    assert world.proactive(world.chat(ALICE)) == []


async def test_sent_once_across_a_restart_and_two_processes(world: World, engine: AsyncEngine) -> None:
    await world.say("start")
    world.clock.set(utc(2026, 10, 23, 16))
    other = ReminderWorker(world.services, world.bot.chats)  # a second bot process, same database
    assert world.bot.reminder_worker is not None
    sent = await asyncio.gather(world.bot.reminder_worker.run_due(), other.run_due())
    assert sum(sent) == 1
    async for restarted in make_world(engine, utc(2026, 10, 23, 16, 5)):  # the bot restarted
        assert restarted.bot.reminder_worker is not None
        assert await restarted.bot.reminder_worker.run_due() == 0
    assert world.services.notifications is not None
    assert len(await world.services.notifications.rows(world.chat(ALICE))) == 1
    [card] = await world.delivered(world.chat(ALICE))
    assert "Your timer is still running" in card_text(card)
    # Queued under the reminder's key: whoever enqueues it again (a lost race, a replay) is turned away.
    again = await world.services.notifications.enqueue(
        {"serviceUrl": world.connector.url, "conversation": {"id": world.chat(ALICE)}},
        "message",
        {"text": "again"},
        locale="en-US",
        now=world.clock(),
        key=reminder_key(TENANT, ALICE, "timer", date(2026, 10, 23)),
    )
    assert again is None


async def test_a_worker_that_dies_holding_a_reminder_hands_it_on_after_its_lease(world: World) -> None:
    await world.say("start")
    now = utc(2026, 10, 23, 16)
    assert world.services.reminders is not None
    claimed = await world.services.reminders.claim(now, "a-worker-that-dies")
    assert [c.kind for c in claimed] == ["timer", "nudge"] or sorted(c.kind for c in claimed) == [
        "nudge",
        "timer",
    ]
    assert await due(world, now) == 0  # still leased
    assert await due(world, now + LEASE) == 1
    assert len(await world.delivered(world.chat(ALICE))) == 1
