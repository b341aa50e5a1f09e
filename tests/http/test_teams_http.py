"""The whole bot over HTTP: real Teams activity JSON in, real connector calls out (to a fake on loopback)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp.test_utils import TestClient

from tests.support.fake_connector import FakeConnector
from tests.support.harness import Harness, activity_json

NOW = datetime(2026, 11, 17, 15, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def card_text(card: dict[str, Any]) -> str:
    """Everything a person can read on a card, in order: texts, facts, button titles."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in (
                ("text", "title", "value")
                if node.get("type") in ("TextBlock", "TextRun", "Fact")
                else ("text",)
            ):
                if isinstance(node.get(key), str):
                    out.append(node[key])
            if node.get("type", "").startswith("Action.") and isinstance(node.get("title"), str):
                out.append(node["title"])
            for key, child in node.items():
                if key not in ("fallback", "data", "refresh"):
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(card)
    return "\n".join(out)


class Bot:
    def __init__(self, client: TestClient, connector: FakeConnector, harness: Harness) -> None:
        self.client = client
        self.connector = connector
        self.harness = harness
        self.service_url = connector.url

    async def post(self, data: dict[str, Any]) -> tuple[int, Any]:
        response = await self.client.post("/api/messages", json=data)
        body = await response.json() if response.content_type == "application/json" else None
        return response.status, body

    async def say(self, text: str, **kw: Any) -> dict[str, Any]:
        """Send a message; return the card the bot posted back."""
        before = len(self.connector.messages)
        status, _ = await self.post(activity_json(text, service_url=self.service_url, **kw))
        assert status in (200, 201)
        sent = self.connector.messages[before:]
        assert len(sent) == 1, sent
        return sent[0].json["attachments"][0]["content"]


def actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Action.") and "verb" in (node.get("data") or {}):
                found.append(node)
            for key, child in node.items():
                if key != "fallback":
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(card)
    return found


def action(card: dict[str, Any], verb: str) -> dict[str, Any]:
    matches = [a for a in actions(card) if a["data"]["verb"] == verb]
    assert matches, f"no {verb} button in {[a['data']['verb'] for a in actions(card)]}"
    return matches[0]


async def test_a_tracked_day_over_http(bot: Bot) -> None:
    assert "Created project" in card_text(await bot.say("project add Website"))
    started = await bot.say("start @website fixing the header")
    assert "Website" in card_text(started) and "fixing the header" in card_text(started)
    bot.harness.advance(minutes=90)
    status = card_text(await bot.say("status"))
    assert "Website" in status and "1:30" in status
    stopped = card_text(await bot.say("stop"))
    assert "1 h 30 min" in stopped and "Website" in stopped
    today = card_text(await bot.say("today"))
    assert "1 h 30 min" in today and "Website" in today


async def test_replies_go_to_the_conversation_as_a_reply(bot: Bot) -> None:
    await bot.say("help")
    sent = bot.connector.messages[-1]
    assert sent.method == "POST" and sent.path.startswith("/v3/conversations/a%3Apersonal-1/activities")
    assert sent.json["recipient"]["id"] == "29:user-1" and sent.json["from"]["id"] == "28:timebot"
    assert sent.json["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"


async def test_mention_in_a_channel_acts_for_the_sender(bot: Bot) -> None:
    card = await bot.say(
        "<at>timebot</at> log 1h @website",
        conversation_type="channel",
        conversation_id="19:abc@thread.tacv2;messageid=1",
    )
    assert "Created" not in card_text(card)
    assert "Which project" in card_text(card) or "website" in card_text(card).lower()
    sent = bot.connector.messages[-1]
    assert "19%3Aabc%40thread.tacv2%3Bmessageid%3D1" in sent.path


async def test_undo_button_via_submit_updates_the_card_in_place(bot: Bot) -> None:
    await bot.say("project add Website")
    logged = await bot.say("log 1h @website")
    undo = action(logged, "undo")
    data = (
        dict(undo.get("fallback", undo)["data"]) if undo["type"] == "Action.Execute" else dict(undo["data"])
    )
    before = len(bot.connector.messages)
    status, _ = await bot.post(activity_json(value=data, service_url=bot.service_url, reply_to_id="card-1"))
    assert status in (200, 201)
    update = bot.connector.messages[before]
    assert update.method == "PUT" and update.path.endswith("/activities/card-1")
    assert "1 h" in card_text(update.json["attachments"][0]["content"])
    assert "0 min" in card_text(await bot.say("today")) or "Nothing" in card_text(await bot.say("today"))


async def test_stop_button_via_execute_returns_the_new_card(bot: Bot) -> None:
    await bot.say("project add Website")
    started = await bot.say("start @website")
    stop = action(started, "stop")
    assert stop["type"] == "Action.Execute" and stop["fallback"]["type"] == "Action.Submit"
    bot.harness.advance(minutes=20)
    invoke = activity_json(
        kind="invoke",
        invoke_name="adaptiveCard/action",
        service_url=bot.service_url,
        value={
            "action": {"type": "Action.Execute", "verb": stop["verb"], "data": stop["data"]},
            "trigger": "manual",
        },
    )
    status, body = await bot.post(invoke)
    assert status == 200 and body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "20 min" in card_text(body["value"])


async def test_bad_card_payload_gets_a_message_not_a_crash(bot: Bot) -> None:
    before = len(bot.connector.messages)
    status, _ = await bot.post(
        activity_json(
            value={"verb": "edit_save", "entry_id": ["not", "a", "string"]}, service_url=bot.service_url
        )
    )
    assert status in (200, 201)
    card = bot.connector.messages[before].json["attachments"][0]["content"]
    assert "didn't make sense" in card_text(card)
    status, _ = await bot.post(
        activity_json(
            kind="invoke",
            invoke_name="adaptiveCard/action",
            service_url=bot.service_url,
            value={"action": {"type": "Action.Execute", "verb": "no-such-verb"}},
        )
    )
    assert status == 200


async def test_project_typeahead_search(bot: Bot) -> None:
    for name in ("Website", "Website Relaunch", "Marketing"):
        await bot.say(f"project add {name}")
    status, body = await bot.post(
        activity_json(
            kind="invoke",
            invoke_name="application/search",
            service_url=bot.service_url,
            value={"queryText": "webs", "queryOptions": {"skip": 0, "top": 15}, "dataset": "projects"},
        )
    )
    assert status == 200 and body["type"] == "application/vnd.microsoft.search.searchResponse"
    titles = [r["title"] for r in body["value"]["results"]]
    assert titles[:2] == ["Website", "Website Relaunch"] or set(titles[:2]) == {"Website", "Website Relaunch"}


async def test_welcome_on_install(bot: Bot) -> None:
    data = activity_json(kind="conversationUpdate", service_url=bot.service_url)
    data["membersAdded"] = [{"id": "28:timebot"}]
    before = len(bot.connector.messages)
    status, _ = await bot.post(data)
    assert status in (200, 201)
    card = bot.connector.messages[before].json["attachments"][0]["content"]
    assert "start" in card_text(card).lower()
    ref = await bot.harness.services.store.get_conversation_ref("a:personal-1")
    assert ref is not None and ref["serviceUrl"] == bot.service_url


async def test_redelivered_activity_is_processed_once(bot: Bot) -> None:
    await bot.say("project add Website")
    data = activity_json("log 1h @website", service_url=bot.service_url)
    await bot.post(data)
    await bot.post(data)
    today = card_text(await bot.say("today"))
    assert "1 h" in today and "2 h" not in today


async def test_unknown_command_suggests(bot: Bot) -> None:
    text = card_text(await bot.say("strat @website"))
    assert "start" in text


async def test_install_greets_once_and_counts_are_singular(bot: Bot) -> None:
    install = activity_json(kind="installationUpdate", service_url=bot.service_url)
    install["action"] = "add"
    added = activity_json(kind="conversationUpdate", service_url=bot.service_url)
    added["membersAdded"] = [{"id": "28:timebot"}]
    before = len(bot.connector.messages)
    for data in (install, added):
        status, _ = await bot.post(data)
        assert status in (200, 201)
    assert len(bot.connector.messages) - before == 1
    await bot.say("project add Website")
    await bot.say("log 1h @website")
    today = card_text(await bot.say("today"))
    assert "1 entry" in today and "1 entries" not in today


async def test_creating_a_missing_project_from_project_slash_task_creates_both(bot: Bot) -> None:
    asked = await bot.say("start @website/design fixing the header")
    create = action(asked, "create_project")
    assert create["data"]["name"] == "website"  # not a project called "website/design"
    before = len(bot.connector.messages)
    status, _ = await bot.post(activity_json(value=dict(create["data"]), service_url=bot.service_url))
    assert status in (200, 201)
    started = card_text(bot.connector.messages[before].json["attachments"][0]["content"])
    assert "website › design" in started and "fixing the header" in started
    assert "design" in card_text(await bot.say("tasks website"))


async def test_picking_the_project_keeps_the_task_that_was_typed(bot: Bot) -> None:
    await bot.say("project add Website")
    asked = await bot.say("start @website/design")  # the project exists, its task does not yet
    pick = action(asked, "pick_project")
    before = len(bot.connector.messages)
    await bot.post(activity_json(value=dict(pick["data"]), service_url=bot.service_url))
    started = card_text(bot.connector.messages[before].json["attachments"][0]["content"])
    assert "Website › design" in started
