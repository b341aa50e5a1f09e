"""End to end: a person chats with the real bot in the Microsoft 365 Agents Playground (Chromium).

The bot runs as `timebot serve` (local mode, fresh embedded database); the Playground emulates Teams and
its Bot Connector; Chromium types into the Playground's send box and reads the rendered replies.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cards.test_forms import without_typeahead
from tests.support.cards import assert_valid_card

pytestmark = pytest.mark.e2e

ERROR_WORDS = re.compile(r"something went wrong|error|exception|traceback|not implemented", re.I)


def _one(replies: list[str], sent: str) -> str:
    assert replies, f"no reply to {sent!r}"
    text = " | ".join(replies)
    assert not ERROR_WORDS.search(text), f"{sent!r} got an error reply: {text}"
    return text


def _inputs(card: dict[str, Any]) -> set[str]:
    return {n["id"] for n in _nodes(card) if str(n.get("type", "")).startswith("Input.")}


def _nodes(node: Any) -> list[dict[str, Any]]:
    """Every element and action of a card, however deep."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found += _nodes(value)
    elif isinstance(node, list):
        for value in node:
            found += _nodes(value)
    return found


def _card_text(card: dict[str, Any]) -> str:
    return "\n".join(n["text"] for n in _nodes(card) if n.get("type") == "TextBlock")


def test_a_day_in_personal_chat_reads_well_on_a_phone_and_the_desktop(
    playground_for_bot: Any, timebot_bot: Any, chat_factory: Callable[[Any], Any], screenshots_dir: Path
) -> None:
    """A real day, typed and tapped: every card is valid (its JSON read from the Playground) and shot at
    320 px and at desktop width into `screenshots/day/` (`<step>-320.png`, `<step>-1280.png`), to look at."""
    chat = chat_factory(playground_for_bot)
    chat.screenshots = screenshots_dir / "day"
    chat.screenshots.mkdir()
    try:
        chat.open("Personal Chat")
        # Installing the app greets the user in personal chat before anything is typed.
        assert chat.bot_messages(), "no welcome message after the Playground installed the app"
        chat.shoot("01-welcome")

        assert "Created project" in _one(chat.send("project add Website"), "project add")
        chat.shoot("02-project-add")
        _one(chat.send("project add Marketing"), "project add")

        started = _one(chat.send("start @website header"), "start")
        assert re.search(r"\brunning\b|\bstarted\b", started, re.I), started
        chat.shoot("03-start")

        status = _one(chat.send("status"), "status")
        assert re.search(r"\brunning\b", status, re.I), status
        assert re.search(r"\b\d+:\d{2}\b", status), f"no elapsed time in: {status}"
        chat.shoot("04-status")

        chat.click_card_button("Switch")
        switch = chat.cards[-1]
        assert _card_text(switch).startswith("Switch the timer from *Website* to:"), _card_text(switch)
        chat.shoot("05-switch")
        chat.click_card_button("Marketing")
        assert "Marketing" in _card_text(chat.cards[-1])

        stopped = _one(chat.send("stop"), "stop")
        assert re.search(r"\bstopped\b", stopped, re.I), stopped
        chat.shoot("06-stop")

        logged = _one(chat.send("log 1h @website design review"), "log")
        assert "Logged" in logged
        echo = chat.cards[-1]
        chat.shoot("07-log")
        chat.click_card_button("Edit")  # the echo becomes its edit form …
        assert {"project", "date", "start", "end", "note"} <= _inputs(chat.cards[-1])
        chat.shoot("07-log-edit")
        chat.click_card_button("Cancel")  # … and Cancel brings the echo back, Undo and all
        assert chat.cards[-1] == echo

        today = _one(chat.send("today"), "today")
        assert re.search(r"\btoday\b", today, re.I), today
        chat.shoot("08-today")
        _one(chat.send("week"), "week")
        chat.shoot("09-week")

        # working hours of yesterday (any time of day works): come, a break, go, part of it booked
        for command in (
            "come at 8:00 yesterday",
            "break 12:00-12:30 yesterday",
            "go 17:00 yesterday",
            "log 9:00-11:00 @website yesterday",
        ):
            _one(chat.send(command), command)
        hours = _one(chat.send("hours yesterday"), "hours")
        assert "Book 11:00–12:00" in hours, hours
        chat.shoot("10-hours")
        chat.click_card_button("Book 11:00–12:00")
        book = _card_text(chat.cards[-1])
        assert re.match(r"Book \*\*\w{3} \d+ \w{3} 11:00–12:00\*\* \(1 h\) to which project\?", book), book
        chat.shoot("11-book")
        chat.click_card_button("Website")
        assert "Logged **1 h** to *Website*" in _card_text(chat.cards[-1])

        times = _one(chat.send("times"), "times")
        assert "design review" in times
        listed = chat.cards[-1]
        chat.shoot("12-times")
        newest = chat.page.locator(chat.BOT_MESSAGE).last
        newest.get_by_text("design review").click()  # tap the entry: its form opens inside the list
        chat.settle()
        opened = chat.cards[-1]
        assert {"project", "date", "start", "end", "note"} <= _inputs(opened), _inputs(opened)
        assert _card_text(opened).startswith(_card_text(listed).split("\n")[0])  # still the list
        chat.shoot("13-times-edit")
        chat.click_card_button("Cancel")
        assert _card_text(chat.cards[-1]) == _card_text(listed) and not _inputs(chat.cards[-1])
        chat.shoot("14-times-cancelled")

        _one(chat.send("projects"), "projects")
        chat.shoot("15-projects")

        report = _one(chat.send("report"), "report")
        assert "for this month (" in report, report
        link = [n for n in _nodes(chat.cards[-1]) if n.get("type") == "Action.OpenUrl"]
        assert link and "/files/" in link[0]["url"], "no download link in the Playground (no file consent)"
        chat.shoot("16-report")

        assert len(chat.cards) >= 20
        for card in chat.cards:
            assert_valid_card(without_typeahead(card))
    except BaseException:
        chat.screenshot("failure")
        print(f"screenshots: {screenshots_dir}\n--- timebot log ---\n{timebot_bot.output()}")
        raise
    print(f"screenshots: {chat.screenshots}")
    assert timebot_bot.alive(), f"the bot died:\n{timebot_bot.output()}"


def test_card_button_stops_the_timer(
    playground_for_bot: Any, timebot_bot: Any, chat_factory: Callable[[Any], Any], screenshots_dir: Path
) -> None:
    """An Adaptive Card button round-trips through the Playground (Action.Submit/Execute) to the bot."""
    chat = chat_factory(playground_for_bot)
    try:
        chat.open("Personal Chat")
        _one(chat.send("start"), "start")
        chat.click_card_button("Stop")
        status = _one(chat.send("status"), "status")
        assert not re.search(r"\belapsed\b", status, re.I), (
            f"timer still running after pressing Stop: {status}"
        )
        assert re.search(r"\bno timer\b|\bnot running\b|\bnothing running\b", status, re.I), status
    except BaseException:
        chat.screenshot("failure")
        print(f"screenshots: {screenshots_dir}\n--- timebot log ---\n{timebot_bot.output()}")
        raise


def test_group_chat_answers_an_at_mention(
    playground_for_bot: Any, timebot_bot: Any, chat_factory: Callable[[Any], Any], screenshots_dir: Path
) -> None:
    """Group chat: the message carries a real Teams mention entity that the bot must strip."""
    chat = chat_factory(playground_for_bot)
    try:
        chat.open("Website relaunch crew")
        status = _one(chat.send("status", mention="timebot"), "@timebot status")
        assert re.search(r"\btimer\b|\brunning\b", status, re.I), status
    except BaseException:
        chat.screenshot("failure")
        print(f"screenshots: {screenshots_dir}\n--- timebot log ---\n{timebot_bot.output()}")
        raise


def test_playground_smoke_with_echo_bot(playground_for_echo: Any, chat_factory: Callable[[Any], Any]) -> None:
    """The plumbing alone (Chromium, Playground, mock connector, card renderer), independent of timebot."""
    chat = chat_factory(playground_for_echo)
    chat.open("Personal Chat")
    assert chat.send("hello playground") == ["echo: hello playground"]
    card = chat.send("card render check")
    assert len(card) == 1 and "Echo card" in card[0] and "Press me" in card[0], card
    assert chat.page.locator(f"{chat.BOT_MESSAGE} .ac-adaptiveCard").count() == 1
    assert chat.click_card_button("Press me") == ["submitted: {'verb': 'pressed'}"]
