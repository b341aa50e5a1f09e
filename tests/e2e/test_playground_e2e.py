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

pytestmark = pytest.mark.e2e

ERROR_WORDS = re.compile(r"something went wrong|error|exception|traceback|not implemented", re.I)


def _one(replies: list[str], sent: str) -> str:
    assert replies, f"no reply to {sent!r}"
    text = " | ".join(replies)
    assert not ERROR_WORDS.search(text), f"{sent!r} got an error reply: {text}"
    return text


def test_timer_day_in_personal_chat(
    playground_for_bot: Any, timebot_bot: Any, chat_factory: Callable[[Any], Any], screenshots_dir: Path
) -> None:
    chat = chat_factory(playground_for_bot)
    try:
        chat.open("Personal Chat")
        # Installing the app greets the user in personal chat before anything is typed.
        assert chat.bot_messages(), "no welcome message after the Playground installed the app"

        started = _one(chat.send("start"), "start")
        assert re.search(r"\brunning\b|\bstarted\b", started, re.I), started

        status = _one(chat.send("status"), "status")
        assert re.search(r"\brunning\b", status, re.I), status
        assert re.search(r"\b\d+:\d{2}\b|\d+\s*(s|sec|min|h)\b", status), f"no elapsed time in: {status}"

        stopped = _one(chat.send("stop"), "stop")
        assert re.search(r"\bstopped\b", stopped, re.I), stopped
        assert re.search(r"\d+\s*(s|sec|min|h)\b", stopped), f"no duration in: {stopped}"

        today = _one(chat.send("today"), "today")
        assert re.search(r"\btoday\b", today, re.I), today
        assert re.search(r"\b1 (entry|entries)\b", today, re.I), f"the stopped timer is not in: {today}"
        chat.screenshot("after-today")
    except BaseException:
        chat.screenshot("failure")
        print(f"screenshots: {screenshots_dir}\n--- timebot log ---\n{timebot_bot.output()}")
        raise
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
