"""A feed event posted through the API reaches the person's chat and books into an entry with one tap; the
second similar event already knows its project; booked and dismissed events never come back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.models import FeedEvent
from tests.feed.conftest import ALICE, BOB, World, make_world, secret_of
from tests.http.test_teams_http import action, actions, card_text

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 17, 17, 0, tzinfo=BERLIN)


def at(hour: int, day: int = 17) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=BERLIN)


@pytest.fixture
async def world(engine: AsyncEngine) -> AsyncIterator[World]:
    async for w in make_world(engine, NOW):
        yield w


def picker(card: dict[str, Any], index: int = 0) -> dict[str, Any]:
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Input.ChoiceSet" and str(node.get("id", "")).startswith("p_"):
                found.append(node)
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(card)
    return found[index]


def choice_value(input_: dict[str, Any], title: str) -> str:
    return next(c["value"] for c in input_["choices"] if c["title"] == title)


def books(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in actions(card) if a["data"]["verb"] == "feed_book" and "id" in a["data"]]


async def post(world: World, key: str, name: str, start: str, end: str, **extra: Any) -> dict[str, Any]:
    body = {"name": name, "user": ALICE, "start": start, "end": end, **extra}
    status, answer = await world.api("POST", "/api/feed", body, key=key)
    assert status == 201, answer
    return answer


async def setup(world: World) -> str:
    await world.say("project add Website")
    await world.say("project add Backoffice")
    return secret_of(await world.say("feed key add Planner"))


async def test_a_posted_event_arrives_in_the_chat_and_books_with_one_tap(world: World) -> None:
    key = await setup(world)
    await post(
        world,
        key,
        "Sprint review #12",
        "2026-11-17T14:00:00+01:00",
        "2026-11-17T15:00:00+01:00",
        description="Demo",
        externalId="sprint-12",
    )
    [pushed] = await world.delivered(world.chat(ALICE))
    assert "New in your feed" in card_text(pushed) and "Sprint review #12" in card_text(pushed)
    choose = picker(pushed)
    assert choose["value"] == ""  # nothing learned yet: no suggestion
    website = choice_value(choose, "Website")
    booked = await world.press(books(pushed)[0], inputs={choose["id"]: website})
    assert "Booked **Sprint review #12** to *Website*" in card_text(booked)
    [entry] = await (await world.backend()).list_time_entries(NOW - timedelta(hours=12), NOW)
    assert (entry.start, entry.end) == (at(14), at(15))
    assert entry.description == "Sprint review #12 – Demo" and entry.project_id == website
    # Booked events never come back, neither in `feed` nor from a retried post.
    assert "Nothing left to book" in card_text(await world.say("feed"))
    assert (await world.api("POST", "/api/feed", {"name": "Sprint review #12", "user": ALICE,
            "start": "2026-11-17T14:00:00+01:00", "end": "2026-11-17T15:00:00+01:00", "description": "Demo",
            "externalId": "sprint-12"}, key=key))[0] == 200  # fmt: skip
    assert "Nothing left to book" in card_text(await world.say("feed"))
    assert len(world.proactive(world.chat(ALICE))) == 1  # and nothing was pushed twice


async def test_the_second_similar_event_already_knows_its_project(world: World) -> None:
    key = await setup(world)
    await post(world, key, "Sprint review #12", "2026-11-16T14:00:00+01:00", "2026-11-16T15:00:00+01:00")
    first = await world.say("feed yesterday")
    choose = picker(first)
    backoffice = choice_value(choose, "Backoffice")
    await world.press(books(first)[0], inputs={choose["id"]: backoffice})
    await post(world, key, "Sprint Review #13", "2026-11-17T10:00:00+01:00", "2026-11-17T11:00:00+01:00")
    second = await world.say("feed")
    text = card_text(second)
    assert "Sprint Review #13" in text and "similar events went to Backoffice" in text
    choose = picker(second)
    assert choose["value"] == backoffice  # pre-selected: one tap books it there
    booked = await world.press(books(second)[0], inputs={choose["id"]: choose["value"]})
    assert "to *Backoffice*" in card_text(booked)
    entries = await (await world.backend()).list_time_entries(NOW - timedelta(days=2), NOW)
    assert sorted(e.project_id or "" for e in entries) == [backoffice, backoffice]


async def book_yesterday(world: World, project: str) -> None:
    feed = await world.say("feed yesterday")
    choose = picker(feed)
    await world.press(books(feed)[0], inputs={choose["id"]: choice_value(choose, project)})


async def test_external_id_and_category_come_before_the_name(world: World) -> None:
    key = await setup(world)
    yesterday = ("2026-11-16T09:00:00+01:00", "2026-11-16T09:15:00+01:00")
    await post(world, key, "Standup", *yesterday, category="Team X")
    await book_yesterday(world, "Website")
    later = ("2026-11-16T09:30:00+01:00", "2026-11-16T09:45:00+01:00")  # not over the standup: that is asked
    await post(world, key, "Planning", *later, category="Team Y", externalId="series-1")
    await book_yesterday(world, "Backoffice")
    # The name says Website (a standup went there), the category says Backoffice: the category wins.
    await post(
        world, key, "Standup", "2026-11-17T09:00:00+01:00", "2026-11-17T09:15:00+01:00", category="Team Y"
    )
    text = card_text(await world.say("feed"))
    assert "you book this category to Backoffice" in text


class Calendar:
    """A feed source as `signin` will plug in Outlook: a recurring meeting, one `external_id` per series."""

    name = "calendar"

    async def events(self, ctx: Any, start: datetime, end: datetime) -> list[FeedEvent]:
        occurrences = [
            FeedEvent(id=f"weekly-{day}", workspace_id=ctx.backend.workspace.id, user_id=ctx.backend.user.id,
                      name=f"Jour fixe {day}", start=at(16, day), end=at(17, day), source=self.name,
                      external_id="series-1", category="Outlook")
            for day in (16, 17)
        ]  # fmt: skip
        return [e for e in occurrences if e.start < end and e.end > start]


async def test_a_plugged_in_source_books_like_posted_events_and_its_series_keeps_its_project(
    engine: AsyncEngine,
) -> None:
    async for world in make_world(engine, NOW, sources=(Calendar(),)):
        await setup(world)
        await book_yesterday(world, "Backoffice")  # Monday's occurrence
        feed = await world.say("feed")
        assert "you booked this event to Backoffice before" in card_text(feed)  # the same series
        booked = await world.press(books(feed)[0], inputs={picker(feed)["id"]: picker(feed)["value"]})
        assert "Booked **Jour fixe 17** to *Backoffice*" in card_text(booked)
        assert "Nothing left to book" in card_text(await world.say("feed"))


async def test_book_all_books_the_days_events_and_dismiss_hides_one_for_good(world: World) -> None:
    key = await setup(world)
    for hour in (9, 11, 13):
        await post(
            world,
            key,
            f"Meeting {hour}",
            f"2026-11-17T{hour:02d}:00:00+01:00",
            f"2026-11-17T{hour:02d}:30:00+01:00",
        )
    feed = await world.say("feed")
    assert "Book all 3" in card_text(feed)
    dismiss = next(a for a in actions(feed) if a["data"]["verb"] == "feed_dismiss")
    after = await world.press(dismiss)
    assert "won't come back" in card_text(after) and "Meeting 9" not in card_text(after)
    book_all = action(after, "feed_book")
    assert "Book all 2" in book_all["title"]
    done = await world.press(
        book_all, inputs={picker(after, 0)["id"]: choice_value(picker(after, 0), "Website")}
    )
    assert "Booked 2 events, **1 h** in all" in card_text(done) and "Nothing left to book" in card_text(done)
    entries = await (await world.backend()).list_time_entries(NOW - timedelta(hours=12), NOW)
    assert sorted(e.description for e in entries) == ["Meeting 11", "Meeting 13"]
    assert "Nothing left to book" in card_text(await world.say("feed"))


async def test_undo_from_the_feed_card_deletes_the_entry_and_brings_the_event_back(world: World) -> None:
    key = await setup(world)
    await post(world, key, "Review", "2026-11-17T14:00:00+01:00", "2026-11-17T15:00:00+01:00")
    feed = await world.say("feed")
    booked = await world.press(books(feed)[0])
    undo = action(booked, "feed_unbook")
    back = await world.press(undo)
    assert "back in your feed" in card_text(back) and "Review" in card_text(back)
    assert await (await world.backend()).list_time_entries(NOW - timedelta(hours=12), NOW) == []


async def test_events_are_the_persons_own_and_the_push_respects_the_setting(world: World) -> None:
    key = await setup(world)
    await world.say("help", user=BOB)
    await post(world, key, "Alice's 1:1", "2026-11-17T14:00:00+01:00", "2026-11-17T15:00:00+01:00")
    assert "Nothing left to book" in card_text(await world.say("feed", user=BOB))
    settings = await world.say("settings", user=BOB)
    save = action(settings, "settings_save")
    saved = await world.press(save, user=BOB, card=settings, inputs={"feed_push": "false"})
    assert "Settings saved" in card_text(saved)
    status, _ = await world.api("POST", "/api/feed", {"name": "Bob's review", "user": BOB,
        "start": "2026-11-17T14:00:00+01:00", "end": "2026-11-17T15:00:00+01:00"}, key=key)  # fmt: skip
    assert status == 201
    await world.delivered(world.chat(ALICE))  # Alice's push went out…
    assert world.proactive(world.chat(BOB)) == []  # …Bob switched his off
    assert "Bob's review" in card_text(await world.say("feed", user=BOB, locale="de-DE"))


async def test_cards_in_german(world: World) -> None:
    key = await setup(world)
    await post(world, key, "Abstimmung", "2026-11-17T14:00:00+01:00", "2026-11-17T15:00:00+01:00")
    card = await world.say("feed", locale="de-DE")
    text = card_text(card)
    assert "Buchen" in text and "Verwerfen" in text and "Di. 17. Nov. 14:00–15:00 · 1 Std." in text
    assert picker(card)["choices"][0]["title"] == "(kein Projekt)" and picker(card)["label"] == "Projekt"
