"""Working hours over HTTP: come → break → go by command and by `Action.Execute` buttons, cards read back."""

from __future__ import annotations

from typing import Any

from tests.http.test_teams_http import Bot, action, card_text
from tests.support.cards import assert_valid_card
from tests.support.harness import activity_json


async def press(bot: Bot, card: dict[str, Any], verb: str, locale: str = "en-US") -> dict[str, Any]:
    button = action(card, verb)
    assert button["type"] == "Action.Execute" and button["fallback"]["type"] == "Action.Submit"
    invoke = activity_json(
        kind="invoke",
        invoke_name="adaptiveCard/action",
        service_url=bot.service_url,
        locale=locale,
        value={"action": {"type": "Action.Execute", "verb": button["verb"], "data": button["data"]}},
    )
    status, body = await bot.post(invoke)
    assert status == 200 and body["statusCode"] == 200
    return body


async def test_come_break_go_by_command(bot: Bot) -> None:
    came = await bot.say("come")
    assert_valid_card(came)
    assert "Clocked in at 15:00" in card_text(came)
    bot.harness.advance(hours=2)
    on_break = card_text(await bot.say("break"))
    assert "On a break since 17:00" in on_break
    bot.harness.advance(minutes=30)
    assert "Break over; clocked in since 15:00" in card_text(await bot.say("break end"))
    bot.harness.advance(hours=1)
    went = card_text(await bot.say("go"))
    assert "Clocked out at 18:30" in went and "3:00" in went
    hours = await bot.say("hours")
    assert_valid_card(hours)
    text = card_text(hours)
    assert "15:00–18:30\n3:00\n0:30\n0:00\n3:00" in text and "Book 15:00–17:00" in text


async def test_buttons_update_the_clock_card_in_place(bot: Bot) -> None:
    came = await bot.say("kommen", locale="de-DE")
    assert "Eingestempelt um 15:00" in card_text(came)
    bot.harness.advance(hours=1)
    body = await press(bot, came, "break_start", "de-DE")
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    on_break = body["value"]
    assert "In der Pause seit 16:00" in card_text(on_break)
    bot.harness.advance(minutes=15)
    back = (await press(bot, on_break, "break_end", "de-DE"))["value"]
    assert "Pause vorbei; eingestempelt seit 15:00" in card_text(back)
    bot.harness.advance(hours=1)
    gone = (await press(bot, back, "go", "de-DE"))["value"]
    assert_valid_card(gone)
    assert "Ausgestempelt um 17:15" in card_text(gone)


async def test_go_without_come_offers_the_fix_as_a_button(bot: Bot) -> None:
    refused = await bot.say("go")
    assert "You didn't clock in today" in card_text(refused)
    fixed = (await press(bot, refused, "go"))["value"]
    assert "Clocked out at 15:00" in card_text(fixed) and "7:00" in card_text(fixed)


async def test_missing_break_fix_from_the_hours_card(bot: Bot) -> None:
    await bot.say("come at 8")
    went = await bot.say("go")  # 7 h without a break at 15:00
    assert "needs at least 30 min of break" in card_text(went)
    hours = await bot.say("hours")
    updated = (await press(bot, hours, "add_break"))["value"]
    assert_valid_card(updated)
    text = card_text(updated)
    assert "Break 11:15–11:45 added" in text and "needs at least" not in text


async def _picked(bot: Bot, card: dict[str, Any], verb: str) -> str:
    """Press `verb`; the pick card comes as a reply of its own (the invoke answer only says so)."""
    before = len(bot.connector.messages)
    await press(bot, card, verb)
    sent = bot.connector.messages[before:]
    assert len(sent) == 1, sent
    pick = sent[0].json["attachments"][0]["content"]
    assert_valid_card(pick)
    return card_text(pick)


async def test_booking_a_gap_and_switching_offer_the_recently_used_project_first(bot: Bot) -> None:
    for command in ("project add Website", "project add Internal", "log 1h @website yesterday"):
        await bot.say(command)
    await bot.say("come at 9")
    await bot.say("go at 12")
    gap = await _picked(bot, await bot.say("hours"), "book_gap")
    assert gap.index("Website") < gap.index("Internal")  # used lately, so ahead of the alphabet

    switch = await _picked(bot, await bot.say("start @website"), "switch")
    assert switch.index("Website") < switch.index("Internal")
