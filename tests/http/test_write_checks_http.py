"""Times are checked before they are written (issue 9), as a person meets it: a command posted to
`/api/messages`, the question card read back from the fake connector, its buttons pressed.

The clock stands at Tue 17 Nov 2026 15:00 in Europe/Berlin (`tests.http.test_teams_http.NOW`).
"""

from __future__ import annotations

from typing import Any

from tests.http.test_teams_http import Bot, actions, card_text
from tests.http.test_working_hours_http import press
from tests.support.cards import assert_valid_card


def titles(card: dict[str, Any]) -> list[str]:
    return [a["title"] for a in actions(card)]


async def pressed(bot: Bot, card: dict[str, Any], title: str) -> dict[str, Any]:
    """Press the button titled `title`; the answer replaces the card (the invoke response carries it)."""
    button = next(a for a in actions(card) if a["title"] == title)
    body = await press(bot, {"body": [{"type": "ActionSet", "actions": [button]}]}, button["data"]["verb"])
    assert body["type"] == "application/vnd.microsoft.card.adaptive", body
    assert_valid_card(body["value"])
    return body["value"]


async def today_text(bot: Bot) -> str:
    return card_text(await bot.say("times today"))


async def test_a_reversed_range_asks_which_was_meant(bot: Bot) -> None:
    """Issue 9: `log 10-9 @website` logged 23 h ending tomorrow without asking."""
    await bot.say("project add Website")
    asked = await bot.say("log 10-9 @website")
    assert_valid_card(asked)
    text = card_text(asked)
    # overnight would end tomorrow at 09:00, which has not come yet: only the swap is offered
    assert "Did you mean **09:00–10:00**?" in text, text
    assert "10:00–09:00 ends before it starts, so it would run overnight: 23 h" in text
    assert titles(asked) == ["09:00–10:00", "Cancel"]
    assert "Website" not in await today_text(bot)  # nothing written while asking
    logged = card_text(await pressed(bot, asked, "09:00–10:00"))
    assert "Logged **1 h** to *Website*, **Tue 17 Nov 09:00–10:00**" in logged, logged


async def test_a_reversed_range_on_a_past_day_offers_both_readings(bot: Bot) -> None:
    await bot.say("project add Website")
    asked = await bot.say("log 10-9 @website yesterday")
    text = card_text(asked)
    assert "**Mon 16 Nov 09:00–10:00**, or overnight until 09:00 today?" in text, text
    assert titles(asked) == ["Mon 16 Nov 09:00–10:00", "Overnight until 09:00 today", "Cancel"]


async def test_overnight_is_recorded_when_chosen_and_not_asked_twice(bot: Bot) -> None:
    await bot.say("project add Ops")
    bot.harness.advance(days=1)  # Wed 18 Nov 15:00: yesterday 14:00 until today 09:00 has ended
    asked = await bot.say("log 14:00-09:00 @ops yesterday")
    assert "09:00–14:00" in titles(asked)[0]
    logged = card_text(await pressed(bot, asked, "Overnight until 09:00 today"))
    assert "Logged **19 h** to *Ops*, **Tue 17 Nov 14:00 – Wed 18 Nov 09:00**" in logged, logged


async def test_a_short_overnight_range_is_written_without_asking(bot: Bot) -> None:
    await bot.say("project add Ops")
    bot.harness.advance(days=1)
    logged = card_text(await bot.say("log 22:00-01:30 @ops yesterday"))
    assert "Logged **3 h 30 min** to *Ops*" in logged, logged


async def test_an_end_in_the_future_is_refused_and_a_few_minutes_are_asked(bot: Bot) -> None:
    await bot.say("project add Website")
    refused = card_text(await bot.say("log 14:00-16:00 @website"))
    assert "16:00, which is still in the future (it's 15:00 now), so nothing was written" in refused
    asked = await bot.say("log 14:00-15:03 @website")
    assert "**15:03** is 3 min from now" in card_text(asked)
    assert titles(asked) == ["Use now (15:00)", "Keep 15:03", "Cancel"]
    logged = card_text(await pressed(bot, asked, "Use now (15:00)"))
    assert "Logged **1 h** to *Website*, **Tue 17 Nov 14:00–15:00**" in logged, logged


async def test_more_than_twelve_hours_is_confirmed_once(bot: Bot) -> None:
    await bot.say("project add Website")
    bot.harness.advance(hours=8)  # 23:00
    asked = await bot.say("log 8:00-21:30 @website")
    assert "That's **13 h 30 min** in one entry" in card_text(asked)
    logged = card_text(await pressed(bot, asked, "Yes, 13 h 30 min"))
    assert "Logged **13 h 30 min**" in logged


async def test_cancel_writes_nothing(bot: Bot) -> None:
    await bot.say("project add Website")
    asked = await bot.say("log 10-9 @website")
    cancelled = card_text(await pressed(bot, asked, "Cancel"))
    assert "nothing was written" in cancelled
    assert "Website" not in await today_text(bot)


async def test_impossible_clock_times_are_refused_with_the_reason(bot: Bot) -> None:
    await bot.say("project add Website")
    started = card_text(await bot.say("start @website at 25:00"))
    assert "“at 25:00” is not a time of day: hours go from 0 to 23" in started, started
    assert "No timer" in card_text(await bot.say("status"))
    assert "minutes go from 00 to 59" in card_text(await bot.say("log 9:75-10:00 @website"))
    assert "hours go from 0 to 23" in card_text(await bot.say("come 25 Uhr"))
    german = card_text(await bot.say("start @website um 25:00", locale="de-DE"))
    assert "Stunden gehen von 0 bis 23" in german


async def test_overlaps_ask_naming_the_entries_and_place_after_the_last_one(bot: Bot) -> None:
    await bot.say("project add Website")
    await bot.say("log 9:00-10:30 @website header")
    await pressed(bot, await bot.say("log 10:00-10:15"), "Keep both")  # no project, inside the first
    asked = await bot.say("log 9:30-10:30 @website")
    assert_valid_card(asked)
    text = card_text(asked)
    assert "**09:30–10:30** overlaps 2 of your entries:" in text, text
    assert "09:00–10:30 · Website" in text and "10:00–10:15 · No project" in text
    assert titles(asked) == ["Place after my last entry (10:30–11:30)", "Keep both", "Cancel"]
    placed = card_text(await pressed(bot, asked, "Place after my last entry (10:30–11:30)"))
    assert "**Tue 17 Nov 10:30–11:30**" in placed, placed
    assert "overlap" not in placed.lower()


async def test_keep_both_writes_the_overlap_as_asked(bot: Bot) -> None:
    await bot.say("project add Website")
    await bot.say("log 9:00-10:00 @website")
    asked = await bot.say("log 1h @website at 9:30")
    kept = card_text(await pressed(bot, asked, "Keep both"))
    assert "Logged **1 h** to *Website*, **Tue 17 Nov 09:30–10:30**" in kept, kept
    assert "2 h" in card_text(await bot.say("today"))


async def test_a_fuzzy_project_match_is_echoed_as_such(bot: Bot) -> None:
    await bot.say("project add Website")
    logged = card_text(await bot.say("log 1h webseite"))
    assert "*Website (you typed “webseite”)*" in logged, logged
    exact = card_text(await bot.say("log 30m @web"))
    assert "you typed" not in exact  # a prefix is not a guess
    started = card_text(await bot.say("start @webseite"))
    assert "Website (you typed “webseite”)" in started


async def test_delete_last_is_the_entry_written_last_not_the_one_starting_last(bot: Bot) -> None:
    await bot.say("project add Website")
    await bot.say("project add Internal")
    await bot.say("log 1h @website")  # today 14:00–15:00
    await bot.say("log 2h @internal yesterday")  # written after it, but starts a day earlier
    asked = card_text(await bot.say("delete last"))
    assert "Internal" in asked and "Mon 16 Nov" in asked and "Website" not in asked, asked
    by_handle = card_text(await bot.say("delete @1"))  # `@1` stays the entry starting last
    assert "Website" in by_handle and "Internal" not in by_handle
    edited = card_text(await bot.say('edit last note "planning"'))
    assert "Updated: **2 h** on *Internal*" in edited, edited


async def test_an_explicit_time_zone_wins_over_the_clients_and_is_shown(bot: Bot) -> None:
    """The Playground sends its Node server's zone; `timezone Europe/Berlin` used to change nothing."""
    await bot.say("project add Website", tz="America/New_York")
    before = card_text(await bot.say("log 1h @website", tz="America/New_York"))
    assert "08:00–09:00" in before and "(" not in before.split("\n")[0]  # the device's zone: no note
    set_zone = card_text(await bot.say("timezone Europe/Berlin", tz="America/New_York"))
    assert "Europe/Berlin" in set_zone and "wins over the zone Teams reports" in set_zone
    after = card_text(await bot.say("log 30m @website yesterday", tz="America/New_York"))
    assert "Mon 16 Nov 09:00–09:30 (Europe/Berlin)" in after, after  # Berlin times, marked as such
    assert "(Europe/Berlin)" not in card_text(await bot.say("log 30m @website yesterday"))  # Berlin device


async def test_working_hours_for_other_days(bot: Bot) -> None:
    """People fix forgotten clock-ins after the fact, with the dates `log` takes (issue 9)."""
    friday = await bot.say("come 9:00 friday")  # Fri 13 Nov
    assert_valid_card(friday)
    assert "Clocked in at Fri 13 Nov 09:00" in card_text(friday), card_text(friday)
    went = card_text(await bot.say("go 17:00 friday"))
    assert "Clocked out at Fri 13 Nov 17:00" in went and "Worked Fri 13 Nov\n8:00" in went, went
    assert "Clocked in at Mon 16 Nov 08:00" in card_text(await bot.say("come at 8:00 yesterday"))
    assert "Clocked out at Mon 16 Nov 17:00" in card_text(await bot.say("go 17:00 yesterday"))
    added = card_text(await bot.say("break 12:00-12:30 2026-11-16"))
    assert "Break 12:00–12:30 added" in added and "Worked Mon 16 Nov\n8:30" in added, added
    week = await bot.say("hours last week")
    assert_valid_card(week)
    assert "Fri 13 Nov" in card_text(week) and "09:00–17:00" in card_text(week), card_text(week)
    this_week = card_text(await bot.say("hours week"))
    assert "Mon 16 Nov" in this_week and "8:30" in this_week, this_week  # 9 h minus the break
    asked = card_text(await bot.say("come yesterday"))
    assert "At what time on yesterday?" in asked and "come at 8:00 yesterday" in asked


async def test_a_forgotten_clock_in_before_a_recorded_day_is_offered_whole(bot: Bot) -> None:
    await bot.say("come at 8:00 yesterday")
    await bot.say("go 17:00 yesterday")
    refused = await bot.say("come 9:00 friday")  # open from Friday it would span Monday
    text = card_text(refused)
    assert "would stay open across the working time you already have on Mon 16 Nov" in text, text
    fixed = (await press(bot, refused, "go"))["value"]
    assert "Clocked out at Fri 13 Nov 17:00" in card_text(fixed), card_text(fixed)
