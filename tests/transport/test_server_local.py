"""`POST /api/messages` and `/healthz` in local mode (no app id, no JWT), against a real loopback server."""

from __future__ import annotations

import codecs
import json
import logging

import pytest

from bot.transport.connector import ADAPTIVE_CARD, ConnectorClient
from bot.transport.server import APOLOGY
from tests.transport.conftest import CARD, FAST_RETRY, EchoHandler, make_activity, make_settings


async def test_message_reply_is_posted_to_the_connector(bot_client, handler, fake_connector):
    client = await bot_client(make_settings(), handler)
    resp = await client.post("/api/messages", json=make_activity(fake_connector.url, text="hi there"))
    assert resp.status == 200
    assert await resp.read() == b""
    [req] = fake_connector.requests
    assert req.method == "POST"
    assert req.path == "/v3/conversations/a%3Apersonal-1/activities/1700000000000"
    assert "Authorization" not in req.headers  # local mode: no token
    body = req.json
    assert body["type"] == "message"
    assert body["text"] == "echo: hi there"
    assert body["textFormat"] == "markdown"
    assert body["replyToId"] == "1700000000000"
    assert body["from"] == {"id": "28:bot", "name": "timebot"}
    assert body["recipient"] == {"id": "29:user-1", "name": "Ada", "aadObjectId": "aad-user-1"}
    assert body["conversation"]["id"] == "a:personal-1"
    assert body["channelId"] == "msteams"
    assert body["serviceUrl"] == fake_connector.url
    assert handler.seen[0].text == "hi there"


async def test_card_message_and_update_in_place(bot_client, handler, fake_connector):
    client = await bot_client(make_settings(), handler)
    for text in ("card", "update"):
        resp = await client.post("/api/messages", json=make_activity(fake_connector.url, text=text))
        assert resp.status == 200
    posted, updated = fake_connector.requests
    assert posted.json["attachments"] == [{"contentType": ADAPTIVE_CARD, "content": CARD}]
    assert posted.json["summary"] == "a card"
    assert "text" not in posted.json
    assert updated.method == "PUT"
    assert updated.path == "/v3/conversations/a%3Apersonal-1/activities/orig%3B1"
    assert updated.json["id"] == "orig;1"
    assert "replyToId" not in updated.json


async def test_messages_are_sent_in_order_before_the_answer(bot_client, handler, fake_connector):
    client = await bot_client(make_settings(), handler)
    resp = await client.post("/api/messages", json=make_activity(fake_connector.url, text="two"))
    assert resp.status == 200
    # Already there when the answer arrives: sends complete before the HTTP response.
    assert [r.json["text"] for r in fake_connector.requests] == ["one", "two"]


async def test_channel_thread_conversation_id_is_escaped(bot_client, handler, fake_connector):
    client = await bot_client(make_settings(), handler)
    thread = "19:abc@thread.tacv2;messageid=123"
    activity = make_activity(fake_connector.url, conversation={"id": thread, "conversationType": "channel"})
    assert (await client.post("/api/messages", json=activity)).status == 200
    [req] = fake_connector.requests
    assert req.path == "/v3/conversations/19%3Aabc%40thread.tacv2%3Bmessageid%3D123/activities/1700000000000"
    assert req.conversation_id == thread


async def test_healthz(bot_client, handler):
    client = await bot_client(make_settings(), handler)
    resp = await client.get("/healthz")
    assert resp.status == 200
    assert await resp.json() == {"status": "ok"}


async def test_non_json_content_type_is_415(bot_client, handler, fake_connector):
    client = await bot_client(make_settings(), handler)
    resp = await client.post("/api/messages", data="type=message", headers={"Content-Type": "text/plain"})
    assert resp.status == 415
    assert handler.seen == []


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe{}", "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'"message"', "JSON object"),
        (b'{"text": "no type"}', "no type"),
        (b'{"type": 5}', "no type"),
        (b'{"type": "message"}', "serviceUrl"),
        (b'{"type": "message", "serviceUrl": "http://x", "from": "not an object"}', "malformed activity"),
    ],
)
async def test_bad_bodies_are_400_with_a_json_error(bot_client, handler, body, fragment):
    client = await bot_client(make_settings(), handler)
    resp = await client.post("/api/messages", data=body, headers={"Content-Type": "application/json"})
    assert resp.status == 400
    payload = await resp.json()
    assert fragment in payload["error"]
    assert "Traceback" not in json.dumps(payload)
    assert handler.seen == []


async def test_a_body_with_a_utf8_byte_order_mark_is_an_activity(bot_client, handler, fake_connector):
    """The body is parsed by pydantic_core, which refuses a BOM that json.loads accepted: it is dropped."""
    client = await bot_client(make_settings(), handler)
    body = codecs.BOM_UTF8 + json.dumps(make_activity(fake_connector.url)).encode()
    resp = await client.post("/api/messages", data=body, headers={"Content-Type": "application/json"})
    assert resp.status == 200
    assert len(handler.seen) == 1


async def test_adaptive_card_action_invoke_returns_the_body(bot_client, handler, fake_connector):
    """botbuilder's CloudAdapter.process answers 500 here (research A9.1)."""
    client = await bot_client(make_settings(), handler)
    activity = make_activity(
        fake_connector.url,
        type="invoke",
        name="adaptiveCard/action",
        text=None,
        value={"action": {"type": "Action.Execute", "verb": "refresh", "data": {}}, "trigger": "manual"},
    )
    resp = await client.post("/api/messages", json=activity)
    assert resp.status == 200
    assert await resp.json() == {
        "statusCode": 200,
        "type": "application/vnd.microsoft.card.adaptive",
        "value": CARD,
    }
    assert fake_connector.requests == []


async def test_search_invoke_returns_the_body(bot_client, handler, fake_connector):
    client = await bot_client(make_settings(), handler)
    activity = make_activity(
        fake_connector.url,
        type="invoke",
        name="application/search",
        text=None,
        value={"queryText": "pro", "queryOptions": {"skip": 0, "top": 15}, "dataset": "projects"},
    )
    resp = await client.post("/api/messages", json=activity)
    assert resp.status == 200
    body = await resp.json()
    assert body["type"] == "application/vnd.microsoft.search.searchResponse"
    assert body["value"]["results"][0]["value"] == "px"


async def test_invoke_without_response_is_200_empty(bot_client, handler, fake_connector):
    client = await bot_client(make_settings(), handler)
    activity = make_activity(
        fake_connector.url, type="invoke", name="signin/verifyState", value={"state": "1"}
    )
    resp = await client.post("/api/messages", json=activity)
    assert resp.status == 200
    assert await resp.read() == b""


async def test_conversation_update_is_200(bot_client, handler, fake_connector):
    client = await bot_client(make_settings(), handler)
    activity = make_activity(fake_connector.url, type="conversationUpdate", membersAdded=[{"id": "28:bot"}])
    resp = await client.post("/api/messages", json=activity)
    assert resp.status == 200
    assert handler.seen[0].members_added[0].id == "28:bot"


async def test_handler_exception_apologises_and_never_leaks(bot_client, handler, fake_connector, caplog):
    caplog.set_level(logging.ERROR)
    client = await bot_client(make_settings(), handler)
    resp = await client.post("/api/messages", json=make_activity(fake_connector.url, text="boom"))
    assert resp.status == 200
    assert await resp.read() == b""
    [req] = fake_connector.requests
    assert req.json["text"] == APOLOGY
    assert "turn failed" in caplog.text


async def test_card_invoke_exception_is_a_universal_action_error(bot_client, handler, fake_connector):
    client = await bot_client(make_settings(), handler)
    activity = make_activity(
        fake_connector.url,
        type="invoke",
        name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": "boom"}},
    )
    resp = await client.post("/api/messages", json=activity)
    assert resp.status == 200
    body = await resp.json()
    assert body["statusCode"] == 500
    assert body["type"] == "application/vnd.microsoft.error"
    assert "Traceback" not in json.dumps(body)


async def test_failed_send_still_answers_200(bot_client, handler, fake_connector):
    client = await bot_client(make_settings(), handler)
    fake_connector.fail_next(400)
    resp = await client.post("/api/messages", json=make_activity(fake_connector.url))
    assert resp.status == 200
    assert len(fake_connector.requests) == 1  # 400 is not retried


async def test_startup_and_shutdown_hooks_and_connector_closed(fake_connector):
    from aiohttp.test_utils import TestClient, TestServer

    from bot.transport.server import create_web_app

    handler = EchoHandler()
    connector = ConnectorClient(retry=FAST_RETRY)
    client = TestClient(TestServer(create_web_app(make_settings(), handler, connector=connector)))
    await client.start_server()
    assert handler.started == 1
    await client.post("/api/messages", json=make_activity(fake_connector.url))
    session = connector.session
    assert not session.closed
    await client.close()
    assert handler.stopped == 1
    assert session.closed


async def test_send_after_answer_mode_delivers_in_order_and_drains_on_shutdown(fake_connector):
    from aiohttp.test_utils import TestClient, TestServer

    from bot.transport.server import create_web_app

    handler = EchoHandler()
    app = create_web_app(
        make_settings(), handler, connector=ConnectorClient(retry=FAST_RETRY), send_before_answer=False
    )
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    resp = await client.post("/api/messages", json=make_activity(fake_connector.url, text="two"))
    assert resp.status == 200
    await fake_connector.wait_for(2)
    assert [r.json["text"] for r in fake_connector.requests] == ["one", "two"]
    fake_connector.fail_next(503, delay=0.2)  # a slow send still in flight at shutdown …
    await client.post("/api/messages", json=make_activity(fake_connector.url, text="last"))
    await client.close()  # … is drained, not dropped
    assert [r.json["text"] for r in fake_connector.requests][-1] == "echo: last"
