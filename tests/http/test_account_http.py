"""Choosing a backend over HTTP: tokens never echoed, never accepted in shared chats or in typed text."""

from __future__ import annotations

import json

from tests.http.test_teams_http import Bot, card_text


async def test_connect_lists_the_trackers_and_local_is_in_use(bot: Bot) -> None:
    text = card_text(await bot.say("connect"))
    assert "timebot (built-in)" in text and "in use" in text


async def test_a_token_typed_into_the_chat_is_refused_and_not_echoed(bot: Bot) -> None:
    secret = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    before = len(bot.connector.messages)
    await bot.say(f"connect toggl {secret}")
    sent = json.dumps([m.json for m in bot.connector.messages[before:]])
    assert secret not in sent and "don't type tokens" in sent


async def test_connect_local_switches_back(bot: Bot) -> None:
    assert "Switched to" in card_text(await bot.say("connect local"))
    assert "in use" in card_text(await bot.say("connect"))


async def test_workspace_lists_the_tenants_workspace(bot: Bot) -> None:
    text = card_text(await bot.say("workspace"))
    assert "Workspaces in timebot (built-in)" in text
