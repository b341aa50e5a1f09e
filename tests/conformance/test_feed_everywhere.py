"""The feed on every backend: a posted event books into an entry on the person's own tracker with one tap
(whatever the tracker's own feed can do: the bot keeps its copy), and "Log like yesterday" copies a day."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from adapters.models import TimeEntryDraft
from bot.features.respond import run_operation
from bot.operations import CopyDay
from bot.routing.turn import Turn
from bot.service.feedsources import owner_of
from bot.service.outcomes import DayCopied, FeedKeyCreated, FeedShown, Problem
from tests.conformance.harnesses import HARNESSES, PARAMS
from tests.support.bot_driver import bot_driver


@pytest.mark.parametrize("kind", PARAMS)
async def test_a_feed_event_books_with_one_tap_on_every_backend(kind: str, tmp_path: Path) -> None:
    async with HARNESSES[kind](tmp_path) as harness, bot_driver(harness, tmp_path) as driver:
        shown = await driver.say("feed")
        assert isinstance(shown, FeedShown) and shown.view.days == []
        turn: Turn = driver._turn("en-US", "feed")
        ctx = await turn.user()
        assert ctx is not None and driver.services.feed is not None
        tz = ZoneInfo(driver.tz)
        today = datetime.now(tz).replace(hour=9, minute=0, second=0, microsecond=0)
        await driver.services.feed.events.add(
            owner_of(ctx),
            {"name": "Vendor call", "description": "", "start": today, "end": today + timedelta(minutes=45)},
            now=datetime.now(tz),
        )
        feed = await driver.say("feed")
        assert isinstance(feed, FeedShown) and [e.name for d in feed.view.days for e in d.events] == [
            "Vendor call"
        ]
        booked = await driver.press(feed, "feed_book")
        assert isinstance(booked, FeedShown), booked
        assert booked.view.notice_key == "feed.booked_no_project" and booked.view.days == []
        entries = await driver.backend.list_time_entries(
            today - timedelta(hours=1), today + timedelta(hours=2)
        )
        [entry] = [e for e in entries if e.description == "Vendor call"]
        assert (entry.start, entry.end) == (today, today + timedelta(minutes=45))
        again = await driver.say("feed")
        assert isinstance(again, FeedShown) and again.view.days == []  # booked: it never comes back
        key = await driver.say("feed key add Everywhere")
        if driver.backend.user.is_admin:
            assert isinstance(key, FeedKeyCreated) and key.secret.startswith("tbf_")
        else:
            assert isinstance(key, Problem) and key.key == "feed.keys_admin_only"


@pytest.mark.parametrize("kind", PARAMS)
async def test_log_like_yesterday_on_every_backend(kind: str, tmp_path: Path) -> None:
    async with HARNESSES[kind](tmp_path) as harness, bot_driver(harness, tmp_path) as driver:
        tz = ZoneInfo(driver.tz)  # it is 12:xx there now: 09:00 today is in the past
        now = datetime.now(tz)
        nine = now.replace(hour=9, minute=0, second=0, microsecond=0)
        await driver.backend.create_time_entry(
            TimeEntryDraft(start=nine - timedelta(days=1), end=nine - timedelta(days=1, minutes=-90),
                           timezone=driver.tz, description="planning")
        )  # fmt: skip
        copied = await run_operation(
            driver._turn("en-US", "x"),
            CopyDay(source=nine.date() - timedelta(days=1), target=nine.date()),
            None,
        )
        assert isinstance(copied, DayCopied) and (len(copied.entries), copied.skipped) == (1, 0), copied
        today = await driver.backend.list_time_entries(nine - timedelta(hours=9), nine + timedelta(hours=15))
        [entry] = [e for e in today if e.description == "planning" and e.start >= nine]
        assert (entry.start, entry.end) == (nine, nine + timedelta(minutes=90))
        again = await run_operation(
            driver._turn("en-US", "x"),
            CopyDay(source=nine.date() - timedelta(days=1), target=nine.date()),
            None,
        )
        assert isinstance(again, DayCopied) and (len(again.entries), again.skipped) == (
            0,
            1,
        )  # no double booking
