"""Cards that say what a choice does, over HTTP: Switch offers the other recent projects (not the running
one), a gap's Book button says which span it books, `project add` has Undo, and a report names its period's
dates ("for this month (1–30 Nov)", in German too)."""

from __future__ import annotations

from typing import Any

from tests.http.test_forms_http import execute
from tests.http.test_teams_http import Bot, action, actions, card_text
from tests.support.cards import assert_valid_card
from tests.support.harness import activity_json


def titles(card: dict[str, Any], verb: str) -> list[str]:
    return [a["title"] for a in actions(card) if a["data"]["verb"] == verb]


async def press(bot: Bot, card: dict[str, Any], verb: str, **kw: Any) -> dict[str, Any]:
    """Press the card's `verb` button; the card it answers with (in place, or as the new message)."""
    before = len(bot.connector.messages)
    body = await execute(bot, verb, action(card, verb)["data"], **kw)
    if body["type"] == "application/vnd.microsoft.card.adaptive":
        return body["value"]  # type: ignore[no-any-return]
    sent = bot.connector.messages[before:]
    assert len(sent) == 1, sent
    return sent[0].json["attachments"][0]["content"]  # type: ignore[no-any-return]


async def test_switch_offers_the_other_recent_projects(bot: Bot) -> None:
    for name in ("Website", "Marketing", "Internal", "Sales"):
        await bot.say(f"project add {name}")
    await bot.say("log 9:00-10:00 @marketing planning")
    await bot.say("log 10:00-11:00 @internal mails")
    timer = await bot.say("start @website header")
    switch = await press(bot, timer, "switch")
    assert_valid_card(switch)
    text = card_text(switch)
    assert text.startswith("Switch the timer from *Website* to:"), text
    # the running project is not offered; the recent ones come first, then the other open ones
    assert titles(switch, "pick_project") == ["Internal", "Marketing", "Sales"]
    picked = await press(bot, switch, "pick_project")
    assert "Internal" in card_text(picked) and "Website" in card_text(picked)  # switched from Website


async def test_switch_with_no_other_project_offers_the_start_form(bot: Bot) -> None:
    await bot.say("project add Website")
    timer = await bot.say("start @website", locale="de-DE")
    switch = await press(bot, timer, "switch", locale="de-DE")
    assert_valid_card(switch)
    text = card_text(switch)
    assert "Den Timer von *Website* wechseln zu:" in text and "kein anderes offenes Projekt" in text
    assert titles(switch, "pick_project") == [] and titles(switch, "start_form") == ["Starten…"]


async def test_booking_a_gap_says_which_span_it_books(bot: Bot) -> None:
    await bot.say("project add Website")
    await bot.say("come at 13:00")
    hours = await bot.say("go at 14:30")
    hours = await bot.say("hours")
    assert "Book 13:00–14:30" in card_text(hours)
    pick = await press(bot, hours, "book_gap")
    assert_valid_card(pick)
    assert card_text(pick).startswith("Book **Tue 17 Nov 13:00–14:30** (1 h 30 min) to which project?")
    logged = await press(bot, pick, "pick_project")
    assert "Logged **1 h 30 min** to *Website*" in card_text(logged)


async def test_project_add_can_be_undone(bot: Bot) -> None:
    created = await bot.say("project add Webiste")
    assert_valid_card(created)
    assert "Created project **Webiste**" in card_text(created)
    undone = await press(bot, created, "undo")
    assert_valid_card(undone)
    assert "Undone: project **Webiste** is archived" in card_text(undone)
    assert "Webiste" not in card_text(await bot.say("projects"))
    back = await press(bot, undone, "undo")
    assert "Project **Webiste** is back" in card_text(back)
    assert "Webiste" in card_text(await bot.say("projects"))
    # the typed `undo` reverts it too
    await bot.say("project add Intranet")
    assert "archived" in card_text(await bot.say("undo"))


async def test_adding_an_undone_project_again_brings_it_back(bot: Bot) -> None:
    """Undo archives the project, and an archived project holds its name: `project add` of the same name
    said it already existed. It brings the archived one back (its Undo archives it again)."""
    undone = await press(bot, await bot.say("project add Intranet"), "undo")
    assert "is archived" in card_text(undone)
    again = await bot.say("project add intranet")
    assert_valid_card(again)
    assert "Project **Intranet** was archived: it is back in the lists" in card_text(again)
    assert "Intranet" in card_text(await bot.say("projects"))
    assert "is archived" in card_text(await press(bot, again, "undo"))
    assert "Intranet" not in card_text(await bot.say("projects"))
    german = card_text(await bot.say("project add Intranet", locale="de-DE"))
    assert "Projekt **Intranet** war archiviert" in german


async def _report(bot: Bot, command: str, locale: str = "en-US") -> str:
    """The report's card in a personal chat of the Playground (its connector is `…/_connector`)."""
    before = len(bot.connector.messages)
    data = activity_json(command, service_url=f"{bot.connector.url}/_connector", locale=locale)
    status, _ = await bot.post(data)
    assert status == 200
    sent = bot.connector.messages[before:]
    assert len(sent) == 1
    card = sent[0].json["attachments"][0]["content"]
    assert_valid_card(card)
    assert any(a.get("type") == "Action.OpenUrl" for a in card["body"][-1]["actions"])  # the download link
    text = card_text(card)
    # the dates never break inside a day or a run of days: no-break spaces, word joiners at the dash
    assert "\u00a0Nov" in text and " Nov" not in text
    return text.replace("\u2060", "").replace("\u00a0", " ")


async def test_a_report_names_its_period_with_the_dates(bot: Bot) -> None:
    await bot.say("project add Website")
    await bot.say("log 9:00-10:00 @website")
    await bot.say("log 2h @website 2026-11-10")
    assert "Your times report for this month (1–30 Nov) is ready: 2 entries" in await _report(bot, "report")
    assert "for last week (9–15 Nov) is ready: 1 entry" in await _report(bot, "report last week")
    assert "for today (17 Nov) is ready" in await _report(bot, "report today")
    german = await _report(bot, "bericht", "de-DE")
    assert "Dein Zeitbericht für diesen Monat (1.–30. Nov.) ist fertig" in german
    empty = card_text(await bot.say("report last month"))
    assert "No finished time entries for last month match" in empty
