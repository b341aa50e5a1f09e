"""Help that covers everything, as a person meets it (issue 9): the welcome on first contact, `help` and
`hilfe` with every command, typos answered with the command a button will run, and "no timer" as
information that offers Start…."""

from __future__ import annotations

from tests.http.test_teams_http import Bot, actions, card_text
from tests.http.test_working_hours_http import press
from tests.support.cards import assert_valid_card
from tests.support.harness import activity_json


async def answered(bot: Bot, card: dict, verb: str) -> dict:
    """Press `verb`; its answer arrives as a message of its own below the card."""
    before = len(bot.connector.messages)
    await press(bot, card, verb)
    [sent] = bot.connector.messages[before:]
    return sent.json["attachments"][0]["content"]


async def test_the_first_contact_says_what_to_do_first(bot: Bot) -> None:
    added = activity_json(kind="conversationUpdate", service_url=bot.service_url)
    added["membersAdded"] = [
        {"id": "29:user-1", "name": "Ada Lovelace", "aadObjectId": "user-1"},
        {"id": "28:timebot"},
    ]
    before = len(bot.connector.messages)
    assert (await bot.post(added))[0] == 200
    card = bot.connector.messages[before].json["attachments"][0]["content"]
    assert_valid_card(card)
    text = card_text(card)
    assert "Hi Ada" in text
    assert "Pick or create a project" in text and "project add Website" in text
    assert "Check your time zone:** Europe/Berlin" in text
    assert "you're on timebot (built-in)" in text and "**connect**" in text
    assert [a["title"] for a in actions(card)] == [
        "Projects",
        "Time zone & settings",
        "Trackers",
        "All commands",
    ]


async def welcome_title(bot: Bot, added: dict) -> str:
    before = len(bot.connector.messages)
    assert (await bot.post(added))[0] == 200
    card = bot.connector.messages[before].json["attachments"][0]["content"]
    assert_valid_card(card)
    return str(card["body"][0]["text"])


async def test_the_welcome_greets_the_added_member_never_the_sender_placeholder(bot: Bot) -> None:
    """The Playground (like Teams) sends a conversationUpdate whose `from` and `membersAdded` carry ids only:
    the greeting said "Hi Teams" (the sender's placeholder name). Without a name it greets without one; a
    name in `membersAdded` is the person's, whatever `from` says."""
    playground = activity_json(kind="conversationUpdate", service_url=bot.service_url)
    playground["from"] = {"id": "29:user-1", "aadObjectId": "user-1"}
    playground["membersAdded"] = [{"id": "29:user-1", "aadObjectId": "user-1"}, {"id": "28:timebot"}]
    assert await welcome_title(bot, playground) == "👋 Hi, I track your time here in Teams"
    german = activity_json(kind="conversationUpdate", service_url=bot.service_url, locale="de-DE")
    german["from"] = {"id": "29:user-1", "name": "Teams", "aadObjectId": "user-1"}
    german["membersAdded"] = [{"id": "28:timebot"}]
    assert await welcome_title(bot, german) == "👋 Hallo, ich erfasse deine Zeiten hier in Teams"
    named = activity_json(kind="conversationUpdate", service_url=bot.service_url)
    named["from"] = {"id": "29:user-1", "name": "Teams", "aadObjectId": "user-1"}
    named["membersAdded"] = [{"id": "28:timebot"}, {"id": "29:user-1", "name": "Grace Hopper"}]
    assert await welcome_title(bot, named) == "👋 Hi Grace, I track your time here in Teams"


async def test_help_lists_every_family_and_hilfe_answers_in_german(bot: Bot) -> None:
    overview = await bot.say("help")
    assert_valid_card(overview)
    text = card_text(overview)
    for group in (
        "Timer",
        "Entries",
        "Summaries",
        "Working hours",
        "Reports",
        "Projects & co.",
        "Tracker & settings",
    ):
        assert group in text, group
    for verb in ("**come**", "**report**", "**connect**", "**workspace**", "**settings**", "**groups**"):
        assert verb in text, verb
    german = card_text(await bot.say("hilfe", locale="de-DE"))
    assert "Arbeitszeit" in german and "**kommen**" in german and "stunden woche" in german
    come = await bot.say("hilfe kommen", locale="de-DE")
    assert_valid_card(come)
    detail = card_text(come)
    assert (
        detail.startswith("come\n") and "Stempelt dich ein" in detail and "come at 8:00 yesterday" in detail
    )
    assert "Auch: **in** · **clock in** · **check in** · **kommen** · **komme**" in detail
    report = card_text(await bot.say("help report"))
    assert "Your times as an Excel file" in report and "report last month by project" in report


async def test_a_typo_offers_the_command_the_button_runs(bot: Bot) -> None:
    await bot.say("project add Website")
    typo = await bot.say("strat @website")
    assert_valid_card(typo)
    assert "Did you mean **start**?" in card_text(typo)
    [run, *_] = actions(typo)
    assert run["title"] == "Run: start @website" and run["data"]["command"] == "start @website"
    assert "That didn't work" not in card_text(typo)  # not an error box
    started = await answered(bot, {"body": [{"type": "ActionSet", "actions": [run]}]}, "run")
    assert "Timer running" in card_text(started) and "Website" in card_text(started)


async def test_no_timer_is_information_with_start(bot: Bot) -> None:
    card = await bot.say("stop")
    assert_valid_card(card)
    text = card_text(card)
    assert "ℹ️ No timer is running." in text and "That didn't work" not in text
    assert actions(card)[0]["title"] == "Start…" and actions(card)[0]["data"]["verb"] == "start_form"
    form = await answered(bot, card, "start_form")
    assert_valid_card(form)
    assert "Start" in card_text(form)
    assert "ℹ️ Es läuft kein Timer." in card_text(await bot.say("abbrechen", locale="de-DE"))


async def test_a_wrongly_written_command_offers_its_help(bot: Bot) -> None:
    card = await bot.say("start @website at 25:00")
    assert [a["title"] for a in actions(card)] == ["How to write start"]
    assert actions(card)[0]["data"]["command"] == "help start"
