"""Cards that read well (issue 9), as a person meets them: commands posted to /api/messages, the card JSON
read back. Status puts the timer first with Stop as its primary button, one duration format everywhere (no
seconds), working-hours success on the success style, table headers that fit a 320 px card, totals that
agree with the table."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.http.test_teams_http import Bot, actions, card_text
from tests.support.cards import assert_valid_card
from tests.support.harness import activity_json

SECONDS = re.compile(r"\b\d+\s*(s|sec|Sek\.?)(?![\w.])")  # "20 s", "20 Sek." — never shown to people
NARROW = 320 - 2 * 16  # a 320 px card minus its padding
CHAR = 7.0  # px per character of a bold Small TextBlock (Segoe UI 12 px), generous
COLUMN_GAP = 8  # px Teams puts between columns


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for key, child in node.items():
            if key not in ("fallback", "refresh"):
                yield from _walk(child)
    elif isinstance(node, list):
        for child in node:
            yield from _walk(child)


def _primary(card: dict[str, Any]) -> list[str]:
    return [a["data"]["verb"] for a in actions(card) if a.get("style") == "positive"]


def _facts(card: dict[str, Any]) -> dict[str, str]:
    return {f["title"]: f["value"] for n in _walk(card) if n.get("type") == "FactSet" for f in n["facts"]}


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _prose_minutes(text: str) -> int:
    found = re.fullmatch(r"(?:(\d+) (?:h|Std\.))? ?(?:(\d+) (?:min|Min\.))?", text.strip())
    assert found, text
    return int(found.group(1) or 0) * 60 + int(found.group(2) or 0)


@pytest.mark.parametrize("clocked_in", [False, True])
async def test_status_shows_the_timer_first_with_stop_as_its_primary_button(
    bot: Bot, clocked_in: bool
) -> None:
    await bot.say("project add Website")
    if clocked_in:
        await bot.say("come at 8")
    await bot.say("start @website fixing the header")
    bot.harness.advance(seconds=20)
    card = await bot.say("status")
    assert_valid_card(card)
    text = card_text(card)
    order = ["Website", "fixing the header", "since 15:00", "Elapsed", "Working hours"]
    positions = [text.find(part) for part in order]
    assert -1 not in positions and positions == sorted(positions), text  # the timer, then the working hours
    assert _primary(card) == ["stop"], text  # not Come
    assert any(a["data"]["verb"] == ("go" if clocked_in else "come") for a in actions(card))
    assert not SECONDS.search(text), text  # no "0:00" next to "20 s"
    assert text.count("0:00") == 2, text  # elapsed and today, both h:mm


async def test_durations_never_show_seconds_in_english_or_german(bot: Bot) -> None:
    await bot.say("project add Website")
    await bot.say("start @website")
    bot.harness.advance(seconds=20)
    stopped = card_text(await bot.say("stop"))
    assert "after **less than 1 min**" in stopped and not SECONDS.search(stopped), stopped
    await bot.say("starten @website", locale="de-DE")
    bot.harness.advance(seconds=40)
    gestoppt = card_text(await bot.say("stopp", locale="de-DE"))
    assert "**weniger als 1 Min.**" in gestoppt and not SECONDS.search(gestoppt), gestoppt
    for command in ("today", "week", "status"):
        assert not SECONDS.search(card_text(await bot.say(command))), command


@pytest.mark.parametrize(
    ("locale", "come", "go", "hours", "rule"),
    [
        ("en-US", "come at 8", "go", "hours", "7 h of work needs at least 30 min of break"),
        ("de-DE", "kommen um 8", "gehen", "stunden", "7 Std. Arbeit brauchen mindestens 30 Min. Pause"),
    ],
)
async def test_working_hours_say_success_on_the_success_style_and_durations_in_prose(
    bot: Bot, locale: str, come: str, go: str, hours: str, rule: str
) -> None:
    came = await bot.say(come, locale=locale)
    assert_valid_card(came)
    [done] = [n for n in _walk(came) if n.get("type") == "Container" and n.get("style") == "good"]
    assert "08:00" in card_text(done) and "✅" in card_text(done)
    assert not [n for n in _walk(came) if n.get("color") == "Good"]  # green text on white is hard to read
    went = await bot.say(go, locale=locale)
    assert rule in card_text(went)  # not "7:00 h of work"
    assert not [a for a in actions(went) if a.get("style") == "destructive"]
    assert rule in card_text(await bot.say(hours, locale=locale))


async def test_a_refusal_that_says_the_state_does_not_repeat_it(bot: Bot) -> None:
    await bot.say("come")
    bot.harness.advance(hours=1)
    again = card_text(await bot.say("come"))
    assert "You're already clocked in since 15:00." in again and again.count("since 15:00") == 1, again


async def test_come_during_a_break_offers_to_end_the_break(bot: Bot) -> None:
    await bot.say("come")
    bot.harness.advance(hours=3)
    await bot.say("break")
    bot.harness.advance(minutes=20)
    card = await bot.say("come")
    assert_valid_card(card)
    said = card_text(card)
    assert "You're on a break since 18:00: end it to carry on working." in said, said
    assert "already clocked in" not in said
    assert [a["data"]["verb"] for a in actions(card)][:1] == ["break_end"], actions(card)
    ended = card_text(await _pressed(bot, card, "break_end"))
    assert "Break over; clocked in since 15:00" in ended, ended


@pytest.mark.parametrize(("locale", "command"), [("en-US", "hours"), ("de-DE", "stunden")])
async def test_hours_table_headers_fit_a_320_px_card_without_breaking_a_word(
    bot: Bot, locale: str, command: str
) -> None:
    await bot.say("come at 8", locale=locale)
    card = await bot.say(command, locale=locale)
    assert_valid_card(card)
    booked = "Booked" if locale == "en-US" else "Gebucht"
    [header] = [
        n
        for n in _walk(card)
        if n.get("type") == "ColumnSet" and booked in [t for t in card_text(n).split("\n")]
    ]
    weights = [c["width"] for c in header["columns"]]
    assert all(isinstance(w, int) for w in weights), weights
    for column, weight in zip(header["columns"], weights, strict=True):
        room = NARROW * weight / sum(weights) - COLUMN_GAP
        for word in card_text(column).split():
            assert len(word) * CHAR <= room, f"{word!r} needs {len(word) * CHAR:.0f} px of {room:.0f}"


async def test_hours_totals_agree_with_the_table(bot: Bot) -> None:
    """Two days with 20 min 40 s booked each: the rows say 0:20 and 0:20, so the total is 40 min (it said
    41 min, the seconds summed)."""
    await bot.say("project add Website")
    for day in range(2):
        await bot.say("come")
        await bot.say("start @website")
        bot.harness.advance(minutes=20, seconds=40)
        await bot.say("stop")
        await bot.say("go")
        if day == 0:
            bot.harness.advance(days=1, minutes=-20, seconds=-40)
    card = await bot.say("hours week")
    assert_valid_card(card)
    text = card_text(card)
    rows = re.findall(
        r"^\S+ \d+ \w+ · \d\d:\d\d–\d\d:\d\d\n(\d+:\d\d)\n(\d+:\d\d)\n(\d+:\d\d)\n(\d+:\d\d)$", text, re.M
    )
    assert len(rows) == 2 and all(row[2] == "0:20" for row in rows), text
    facts = _facts(card)
    assert _prose_minutes(facts["Booked to projects"]) == sum(_minutes(row[2]) for row in rows) == 40, facts
    assert _prose_minutes(facts["Clocked (without breaks)"]) == sum(_minutes(row[0]) for row in rows), facts


async def _pressed(bot: Bot, card: dict[str, Any], verb: str, index: int = 0) -> dict[str, Any]:
    """Press the `index`th `verb` button; return the card that comes back (in place or as a new reply)."""
    button = [a for a in actions(card) if a["data"]["verb"] == verb][index]
    before = len(bot.connector.messages)
    invoke = activity_json(
        kind="invoke",
        invoke_name="adaptiveCard/action",
        service_url=bot.service_url,
        value={"action": {"type": "Action.Execute", "verb": button["verb"], "data": button["data"]}},
    )
    status, body = await bot.post(invoke)
    assert status == 200 and body["statusCode"] == 200, body
    sent = bot.connector.messages[before:]
    if body["type"] == "application/vnd.microsoft.card.adaptive":
        assert not sent
        return body["value"]
    assert len(sent) == 1, sent
    reply: dict[str, Any] = sent[0].json["attachments"][0]["content"]
    assert_valid_card(reply)
    return reply


async def test_today_lists_the_days_entries_with_their_handles_and_edit_buttons(bot: Bot) -> None:
    await bot.say("project add Website")
    await bot.say("log 9-10 @website design review")
    await bot.say("log 1h @website yesterday")
    await bot.say("log 10-11:30 @website")
    await bot.say("start @website")
    bot.harness.advance(minutes=20)
    card = await bot.say("today")
    assert_valid_card(card)
    text = card_text(card)
    assert text.startswith("Today · Tue 17 Nov"), text
    rows = re.findall(r"^(@\d)\n(.+)\n(.+)$", text, re.M)
    # earliest first, each with the handle `edit @N` takes (1 = the newest entry, yesterday's is @4)
    assert rows == [
        ("@3", "09:00–10:00", "**1 h** · Website"),
        ("@2", "10:00–11:30", "**1 h 30 min** · Website"),
        ("@1", "since 15:00 ⏱", "**20 min** · Website"),
    ], text
    assert "design review" in text
    edits = [a for a in actions(card) if a["data"]["verb"] == "edit"]
    assert len(edits) == 3
    form = await _pressed(bot, card, "edit", 1)
    assert "10:00" in str(form) and "11:30" in str(form)  # the edit form of the second row's entry
    heute = card_text(await bot.say("heute", locale="de-DE"))
    assert heute.startswith("Heute · Di. 17. Nov.") and "@3\n09:00–10:00\n**1 Std.** · Website" in heute, (
        heute
    )


@pytest.mark.parametrize(
    ("locale", "command", "title", "day"),
    [
        ("en-US", "week", "This week · Mon 16 Nov – Sun 22 Nov", "Tue 17 Nov"),
        ("de-DE", "woche", "Diese Woche · Mo. 16. Nov. – So. 22. Nov.", "Di. 17. Nov."),
        ("en-US", "month", "This month · Sun 1 Nov – Mon 30 Nov", "Tue 17 Nov"),
        ("en-US", "summary last week by day", "Last week · Mon 9 Nov – Sun 15 Nov", "Mon 9 Nov"),
    ],
)
async def test_week_and_month_show_their_range_and_day_names(
    bot: Bot, locale: str, command: str, title: str, day: str
) -> None:
    await bot.say("project add Website")
    await bot.say("log 1h @website", locale=locale)
    await bot.say("log 2h @website 2026-11-09", locale=locale)
    card = await bot.say(command, locale=locale)
    assert_valid_card(card)
    text = card_text(card)
    assert text.startswith(title), text
    days = [f["title"] for n in _walk(card) if n.get("type") == "FactSet" for f in n["facts"]]
    assert day in days or day in text, (days, text)
    assert not re.search(r"\d{4}-\d\d-\d\d", str(card["body"])), text  # no ISO dates shown to people


async def test_hours_name_their_days(bot: Bot) -> None:
    await bot.say("come at 8")
    text = card_text(await bot.say("hours week"))
    assert text.startswith("🕘 Working hours · This week · Mon 16 Nov – Sun 22 Nov"), text


async def test_projects_offer_start_log_and_tasks_per_project(bot: Bot) -> None:
    for command in (
        "project add Internal",
        "project add Website Relaunch",
        "task add website relaunch/Design",
    ):
        await bot.say(command)
    card = await bot.say("projects")
    assert_valid_card(card)
    [block] = [n for n in _walk(card) if n.get("type") == "Container" and "Website Relaunch" in card_text(n)]
    assert [a["title"] for a in actions(block)] == ["Start", "Log…", "Tasks"]

    timer = card_text(await _pressed(bot, card, "on_project", 3))  # Website Relaunch's Start
    assert "Timer running" in timer and "Website Relaunch" in timer
    assert card_text(await bot.say("status")).count("Website Relaunch") == 1

    form = await _pressed(bot, card, "on_project", 4)  # its Log…: the log form with the project chosen
    [project] = [n for n in _walk(form) if n.get("id") == "project"]
    chosen = [c["title"] for c in project["choices"] if c["value"] == project.get("value")]
    assert chosen == ["Website Relaunch"], project

    tasks = card_text(await _pressed(bot, card, "on_project", 5))
    assert "Design" in tasks, tasks
    gesamt = await bot.say("projekte", locale="de-DE")
    assert [a["title"] for a in actions(gesamt)][:3] == ["Starten", "Erfassen…", "Aufgaben"]
