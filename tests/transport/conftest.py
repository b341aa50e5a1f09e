"""Fixtures for the transport tests: a fake connector, a local token issuer, a test handler, a bot client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.activity import Activity, InvokeResponse, OutgoingMessage, TurnResult
from bot.settings import Settings
from bot.transport.connector import ConnectorClient, RetryPolicy
from bot.transport.server import create_web_app
from tests.support.fake_connector import FakeConnector
from tests.support.jwt_keys import BOT_FRAMEWORK_ISSUER, TokenIssuer, clear_botbuilder_key_cache

APP_ID = "00000000-0000-0000-0000-00000000b07"
CARD = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "updated"}]}
FAST_RETRY = RetryPolicy(max_attempts=5, base_delay=0.01, max_delay=0.05, deadline=5.0)


def make_settings(**overrides: Any) -> Settings:
    """Settings from the arguments only (no environment, no .env)."""
    values: dict[str, Any] = {"app_id": "", "log_level": "DEBUG"}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def auth_settings(issuer: TokenIssuer, **overrides: Any) -> Settings:
    return make_settings(
        app_id=APP_ID,
        app_password="not-a-real-secret",
        app_tenant_id="11111111-1111-1111-1111-111111111111",
        openid_metadata_url=issuer.metadata_url,
        token_issuer=BOT_FRAMEWORK_ISSUER,
        **overrides,
    )


def make_activity(service_url: str, **overrides: Any) -> dict[str, Any]:
    activity: dict[str, Any] = {
        "type": "message",
        "id": "1700000000000",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": {"id": "29:user-1", "name": "Ada", "aadObjectId": "aad-user-1"},
        "recipient": {"id": "28:bot", "name": "timebot"},
        "conversation": {"id": "a:personal-1", "conversationType": "personal", "tenantId": "tenant-1"},
        "text": "hello",
        "locale": "en-US",
    }
    activity.update(overrides)
    return activity


class EchoHandler:
    """Echoes text, answers card/search invokes, raises on `boom`."""

    def __init__(self) -> None:
        self.seen: list[Activity] = []
        self.started = 0
        self.stopped = 0
        self.delay = 0.0

    async def startup(self) -> None:
        self.started += 1

    async def shutdown(self) -> None:
        self.stopped += 1

    async def handle(self, activity: Activity) -> TurnResult:
        self.seen.append(activity)
        if self.delay:
            await asyncio.sleep(self.delay)
        if activity.type == "message":
            if activity.text == "boom":
                raise RuntimeError("handler exploded with Bearer secret-token-value")
            if activity.text == "card":
                return TurnResult(messages=[OutgoingMessage(card=CARD, summary="a card")])
            if activity.text == "update":
                return TurnResult(messages=[OutgoingMessage(card=CARD, replace_activity_id="orig;1")])
            if activity.text == "two":
                return TurnResult(messages=[OutgoingMessage(text="one"), OutgoingMessage(text="two")])
            return TurnResult(messages=[OutgoingMessage(text=f"echo: {activity.text}")])
        if activity.type == "invoke":
            if activity.name == "adaptiveCard/action":
                if (activity.value or {}).get("action", {}).get("verb") == "boom":
                    raise RuntimeError("card handler exploded")
                body = {"statusCode": 200, "type": "application/vnd.microsoft.card.adaptive", "value": CARD}
                return TurnResult(invoke=InvokeResponse(status=200, body=body))
            if activity.name == "application/search":
                body = {
                    "type": "application/vnd.microsoft.search.searchResponse",
                    "value": {"results": [{"title": "Project X", "value": "px"}]},
                }
                return TurnResult(invoke=InvokeResponse(status=200, body=body))
            return TurnResult()
        return TurnResult()


class FakeTokens:
    """A token provider returning a constant; counts how often it was asked."""

    def __init__(self, token: str = "fake-bot-token") -> None:
        self.token = token
        self.calls = 0
        self.invalidated = 0

    async def get_token(self) -> str:
        self.calls += 1
        return self.token

    def invalidate(self) -> None:
        self.invalidated += 1


@pytest.fixture
async def fake_connector() -> AsyncIterator[FakeConnector]:
    async with FakeConnector() as fake:
        yield fake


@pytest.fixture
def handler() -> EchoHandler:
    return EchoHandler()


@pytest.fixture
def token_issuer() -> Iterator[TokenIssuer]:
    clear_botbuilder_key_cache()
    with TokenIssuer() as issuer:
        yield issuer
    clear_botbuilder_key_cache()


BotClientFactory = Callable[..., Awaitable[TestClient]]


@pytest.fixture
async def bot_client() -> AsyncIterator[BotClientFactory]:
    """`await bot_client(settings, handler, connector=None)` → a TestClient on a real loopback server."""
    clients: list[TestClient] = []

    async def factory(
        settings: Settings, handler: Any, connector: ConnectorClient | None = None
    ) -> TestClient:
        if connector is None:
            connector = ConnectorClient(retry=FAST_RETRY)
        app = create_web_app(settings, handler, connector=connector)
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client.close()
