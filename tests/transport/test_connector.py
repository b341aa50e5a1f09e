"""The pooled connector client: retries, limits, escaping, one HTTP client, one token fetch."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.activity import Activity, OutgoingMessage
from bot.transport.connector import ConnectorClient, ConnectorError, RetryPolicy, conversation_path
from bot.transport.ratelimit import ConversationRateLimiter, RateLimits, Window
from bot.transport.tokens import CachedTokenProvider
from tests.support.fake_connector import FakeConnector
from tests.transport.conftest import FAST_RETRY, FakeTokens, make_activity, make_settings


def activity_for(url: str, **overrides) -> Activity:
    return Activity.model_validate(make_activity(url, **overrides))


@pytest.fixture
async def connector():
    client = ConnectorClient(retry=FAST_RETRY)
    yield client
    await client.close()


async def test_429_is_retried_honouring_retry_after(connector, fake_connector):
    sleeps: list[float] = []

    async def record_sleep(delay: float) -> None:
        sleeps.append(delay)

    client = ConnectorClient(retry=FAST_RETRY, sleep=record_sleep)
    fake_connector.fail_next(429, headers={"Retry-After": "0"})
    fake_connector.fail_next(429, headers={"Retry-After": "1.5"})
    new_id = await client.send(activity_for(fake_connector.url), OutgoingMessage(text="hi"))
    await client.close()
    assert new_id is not None and new_id.startswith("activity-")
    assert len(fake_connector.requests) == 3
    assert sleeps == [0.0, 1.5]


async def test_429_with_a_real_zero_retry_after(connector, fake_connector):
    fake_connector.fail_next(429, headers={"Retry-After": "0"})
    assert await connector.send(activity_for(fake_connector.url), OutgoingMessage(text="hi"))
    assert len(fake_connector.requests) == 2


async def test_too_long_retry_after_gives_up(fake_connector):
    client = ConnectorClient(retry=RetryPolicy(max_retry_after=5.0))
    fake_connector.fail_next(429, headers={"Retry-After": "3600"})
    with pytest.raises(ConnectorError) as err:
        await client.send(activity_for(fake_connector.url), OutgoingMessage(text="hi"))
    await client.close()
    assert err.value.status == 429
    assert len(fake_connector.requests) == 1


@pytest.mark.parametrize("status", [412, 502, 503, 504])
async def test_transient_statuses_are_retried(connector, fake_connector, status):
    fake_connector.fail_next(status)
    assert await connector.send(activity_for(fake_connector.url), OutgoingMessage(text="hi"))
    assert len(fake_connector.requests) == 2


@pytest.mark.parametrize("status", [400, 404, 413])
async def test_other_4xx_are_not_retried(connector, fake_connector, status):
    fake_connector.fail_next(status)
    with pytest.raises(ConnectorError) as err:
        await connector.send(activity_for(fake_connector.url), OutgoingMessage(text="hi"))
    assert err.value.status == status
    assert len(fake_connector.requests) == 1


async def test_attempts_are_bounded(connector, fake_connector):
    fake_connector.fail_next(503, times=10)
    with pytest.raises(ConnectorError) as err:
        await connector.send(activity_for(fake_connector.url), OutgoingMessage(text="hi"))
    assert err.value.status == 503
    assert len(fake_connector.requests) == FAST_RETRY.max_attempts


async def test_connection_errors_are_retried_then_fail():
    client = ConnectorClient(retry=RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.002))
    # Nothing listens on this port (bound then closed).
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(ConnectorError, match="after 3 attempts"):
        await client.send(activity_for(f"http://127.0.0.1:{port}"), OutgoingMessage(text="hi"))
    await client.close()


async def test_timeouts_are_retried(fake_connector):
    client = ConnectorClient(timeout=0.1, retry=FAST_RETRY)
    fake_connector.fail_next(503, delay=0.4)
    started = time.monotonic()
    assert await client.send(activity_for(fake_connector.url), OutgoingMessage(text="hi"))
    assert time.monotonic() - started < 0.4
    await client.close()


async def test_unauthorized_refreshes_the_token_once(fake_connector):
    tokens = FakeTokens()
    client = ConnectorClient(token_provider=tokens, retry=FAST_RETRY)
    fake_connector.fail_next(401, times=2)
    with pytest.raises(ConnectorError) as err:
        await client.send(activity_for(fake_connector.url), OutgoingMessage(text="hi"))
    await client.close()
    assert err.value.status == 401
    assert tokens.invalidated == 1
    assert len(fake_connector.requests) == 2
    assert all(r.headers["Authorization"] == "Bearer fake-bot-token" for r in fake_connector.requests)


async def test_no_bearer_token_over_plain_http_to_a_remote_host():
    client = ConnectorClient(token_provider=FakeTokens(), retry=FAST_RETRY)
    with pytest.raises(ConnectorError, match="refusing"):
        await client.send(activity_for("http://smba.example.invalid/emea"), OutgoingMessage(text="hi"))
    await client.close()


def test_conversation_ids_are_path_escaped():
    thread = "19:abc@thread.tacv2;messageid=123"
    expected = "/v3/conversations/19%3Aabc%40thread.tacv2%3Bmessageid%3D123/activities"
    assert conversation_path(thread) == expected
    assert conversation_path("a/b?c#d", "x/y").endswith("a%2Fb%3Fc%23d/activities/x%2Fy")


async def test_one_http_client_for_many_turns_and_service_urls(fake_connector):
    connector = ConnectorClient(retry=FAST_RETRY, limits=RateLimits.unlimited())
    async with FakeConnector() as other:
        for i in range(20):
            url = fake_connector.url if i % 2 else other.url + "/emea/"
            await connector.send(activity_for(url, id=f"m{i}"), OutgoingMessage(text=str(i)))
            assert connector.sessions_created == 1
        session = connector.session
        await asyncio.gather(
            *(
                connector.send(activity_for(fake_connector.url, id=f"c{i}"), OutgoingMessage(text="x"))
                for i in range(20)
            )
        )
        assert connector.session is session
        assert connector.sessions_created == 1
        assert len(other.requests) == 10
        assert other.requests[0].path.startswith("/emea/v3/conversations/")
    assert len(fake_connector.requests) == 30
    await connector.close()


async def test_token_fetched_once_for_many_concurrent_turns(fake_connector):
    calls = 0

    def slow_fetch() -> str:
        nonlocal calls
        calls += 1
        time.sleep(0.05)  # MSAL is synchronous; this runs on a worker thread
        return "msal-token"

    tokens = CachedTokenProvider(slow_fetch)
    client = ConnectorClient(token_provider=tokens, retry=FAST_RETRY)
    await asyncio.gather(
        *(
            client.send(
                activity_for(fake_connector.url, id=f"m{i}", conversation={"id": f"conv-{i}"}),
                OutgoingMessage(text="x"),
            )
            for i in range(30)
        )
    )
    await client.close()
    assert calls == 1
    assert {r.headers["Authorization"] for r in fake_connector.requests} == {"Bearer msal-token"}


async def test_cached_token_is_refreshed_near_expiry():
    import jwt

    now = [1_000_000.0]
    issued: list[str] = []

    def fetch() -> str:
        token = jwt.encode({"exp": int(now[0]) + 3600, "n": len(issued)}, "k" * 32, algorithm="HS256")
        issued.append(token)
        return token

    tokens = CachedTokenProvider(fetch, clock=lambda: now[0])
    first = await tokens.get_token()
    now[0] += 3000  # 10 minutes before expiry: still cached
    assert await tokens.get_token() == first
    now[0] += 400  # inside the refresh margin
    assert await tokens.get_token() != first
    assert len(issued) == 2
    tokens.invalidate()
    await tokens.get_token()
    assert len(issued) == 3


async def test_botframework_token_provider_uses_one_credentials_object(monkeypatch):
    from bot.transport import tokens as tokens_mod

    created = []

    class FakeCredentials:
        def __init__(self, *args, **kwargs):
            created.append((args, kwargs))

        def get_access_token(self) -> str:
            return "from-msal"

    monkeypatch.setattr("botframework.connector.auth.MicrosoftAppCredentials", FakeCredentials, raising=True)
    settings = make_settings(app_id="app", app_password="pw", app_tenant_id="tenant-x")
    provider = tokens_mod.botframework_token_provider(settings)
    assert await provider.get_token() == "from-msal"
    assert await provider.get_token() == "from-msal"
    assert created == [(("app", "pw"), {"channel_auth_tenant": "tenant-x"})]
    assert provider.fetch_count == 1


async def test_per_conversation_rate_limit():
    limiter = ConversationRateLimiter(RateLimits(per_conversation=(Window(3, 0.2),), overall=()))
    started = time.monotonic()
    for _ in range(3):
        await limiter.acquire("a")
    assert time.monotonic() - started < 0.05
    await limiter.acquire("b")  # other conversations are not held up
    assert time.monotonic() - started < 0.05
    await limiter.acquire("a")  # 4th in the window waits for the first to leave it
    assert time.monotonic() - started >= 0.19


async def test_overall_rate_limit_and_defaults():
    defaults = RateLimits()
    assert Window(7, 1.0) in defaults.per_conversation and Window(60, 30.0) in defaults.per_conversation
    assert all(w.max_calls / w.period < 50 for w in defaults.overall)
    limiter = ConversationRateLimiter(RateLimits(per_conversation=(), overall=(Window(2, 0.2),)))
    started = time.monotonic()
    await asyncio.gather(*(limiter.acquire(f"c{i}") for i in range(5)))
    assert time.monotonic() - started >= 0.39


async def test_rate_limit_applies_to_sends(fake_connector):
    limits = RateLimits(per_conversation=(Window(2, 0.2),), overall=())
    client = ConnectorClient(limits=limits, retry=FAST_RETRY)
    started = time.monotonic()
    await asyncio.gather(
        *(client.send(activity_for(fake_connector.url), OutgoingMessage(text=str(i))) for i in range(5))
    )
    assert time.monotonic() - started >= 0.39
    # FIFO: the conversation's messages keep their order.
    assert [r.json["text"] for r in fake_connector.requests] == ["0", "1", "2", "3", "4"]
    await client.close()


async def test_idle_conversation_limiters_are_forgotten():
    limiter = ConversationRateLimiter(
        RateLimits(per_conversation=(Window(5, 0.01),), overall=(), max_tracked_conversations=10, margin=0.0)
    )
    for i in range(10):
        await limiter.acquire(f"c{i}")
    await asyncio.sleep(0.02)
    await limiter.acquire("new")
    assert limiter.tracked_conversations == 1


async def test_create_conversation(connector, fake_connector):
    conversation_id = await connector.create_conversation(
        fake_connector.url, {"members": [{"id": "29:user"}], "tenantId": "t"}
    )
    assert conversation_id and conversation_id.startswith("a:conversation-")


def test_extra_attachments_follow_the_card():
    from bot.transport.connector import ADAPTIVE_CARD, outgoing_activity

    file_info = {
        "contentType": "application/vnd.microsoft.teams.card.file.info",
        "name": "times.xlsx",
        "contentUrl": "https://example.invalid/times.xlsx",
        "content": {"uniqueId": "u"},
    }
    card = {"type": "AdaptiveCard"}
    message = OutgoingMessage(card=card, attachments=[file_info])
    payload = outgoing_activity(activity_for("http://127.0.0.1:1"), message)
    assert payload["attachments"] == [{"contentType": ADAPTIVE_CARD, "content": card}, file_info]
    plain = outgoing_activity(activity_for("http://127.0.0.1:1"), OutgoingMessage(text="hi"))
    assert "attachments" not in plain
