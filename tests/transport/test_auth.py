"""Bot Framework JWT validation at the HTTP level: real tokens signed by a local key, JWKS on a thread."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.transport.connector import ConnectorClient
from tests.support.jwt_keys import SigningKey, TokenIssuer
from tests.transport.conftest import APP_ID, FAST_RETRY, FakeTokens, auth_settings, make_activity


@pytest.fixture
async def auth_bot(bot_client, handler, token_issuer, fake_connector):
    tokens = FakeTokens()
    connector = ConnectorClient(token_provider=tokens, retry=FAST_RETRY)
    client = await bot_client(auth_settings(token_issuer), handler, connector)
    return client, tokens


async def _post(client: Any, activity: dict[str, Any], auth: str | None) -> Any:
    headers = {"Authorization": auth} if auth is not None else {}
    return await client.post("/api/messages", json=activity, headers=headers)


async def test_valid_token_is_accepted_and_reply_carries_bearer(
    auth_bot, handler, token_issuer, fake_connector
):
    client, _ = auth_bot
    token = token_issuer.mint(audience=APP_ID, service_url=fake_connector.url)
    resp = await _post(client, make_activity(fake_connector.url), f"Bearer {token}")
    assert resp.status == 200
    [req] = fake_connector.requests
    assert req.headers["Authorization"] == "Bearer fake-bot-token"
    assert len(handler.seen) == 1
    assert token_issuer.metadata_requests == 1

    # Keys are cached: a second turn does not fetch the metadata again.
    resp = await _post(client, make_activity(fake_connector.url), f"Bearer {token}")
    assert resp.status == 200
    assert token_issuer.metadata_requests == 1


async def test_invoke_with_valid_token_returns_body(auth_bot, token_issuer, fake_connector):
    client, _ = auth_bot
    token = token_issuer.mint(audience=APP_ID, service_url=fake_connector.url)
    activity = make_activity(
        fake_connector.url,
        type="invoke",
        name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": "refresh"}},
    )
    resp = await _post(client, activity, f"Bearer {token}")
    assert resp.status == 200
    assert (await resp.json())["statusCode"] == 200


BAD_TOKENS = {
    "wrong audience": lambda i, url: i.mint(audience="someone-else", service_url=url),
    "wrong serviceurl": lambda i, url: i.mint(audience=APP_ID, service_url="https://evil.example/"),
    "expired": lambda i, url: i.mint(audience=APP_ID, service_url=url, lifetime=-3600),
    "not yet valid": lambda i, url: i.mint(audience=APP_ID, service_url=url, not_before_offset=3600),
    "unknown kid": lambda i, url: i.mint(audience=APP_ID, service_url=url, kid="no-such-key"),
    "wrong issuer": lambda i, url: i.mint(audience=APP_ID, service_url=url, issuer="https://issuer.example"),
    "signed by another key": lambda i, url: i.mint(
        audience=APP_ID, service_url=url, key=SigningKey(), kid=i.keys[0].kid
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
async def test_bad_tokens_are_401_and_the_handler_is_not_called(
    auth_bot, handler, token_issuer, fake_connector, case
):
    client, _ = auth_bot
    token = BAD_TOKENS[case](token_issuer, fake_connector.url)
    resp = await _post(client, make_activity(fake_connector.url), f"Bearer {token}")
    assert resp.status == 401, case
    assert await resp.json() == {"error": "unauthorized"}
    assert handler.seen == []
    assert fake_connector.requests == []


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-jwt",
        "Bearer a.b.c",
        "Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig extra",
        "garbage",
    ],
)
async def test_missing_or_garbage_headers_are_401(auth_bot, handler, fake_connector, header):
    client, _ = auth_bot
    resp = await _post(client, make_activity(fake_connector.url), header)
    assert resp.status == 401
    assert handler.seen == []


async def test_token_for_another_service_url_cannot_be_replayed(
    auth_bot, handler, token_issuer, fake_connector
):
    """The validated `serviceurl` claim must equal the activity's serviceUrl (botbuilder checks it)."""
    client, _ = auth_bot
    token = token_issuer.mint(audience=APP_ID, service_url=fake_connector.url)
    resp = await _post(client, make_activity("https://smba.trafficmanager.net/emea/"), f"Bearer {token}")
    assert resp.status == 401
    assert handler.seen == []


async def test_key_not_endorsed_for_the_channel_is_401(bot_client, handler, fake_connector):
    from tests.support.jwt_keys import clear_botbuilder_key_cache

    clear_botbuilder_key_cache()
    with TokenIssuer([SigningKey(endorsements=("slack",))]) as issuer:
        connector = ConnectorClient(token_provider=FakeTokens(), retry=FAST_RETRY)
        client = await bot_client(auth_settings(issuer), handler, connector)
        token = issuer.mint(audience=APP_ID, service_url=fake_connector.url)
        resp = await _post(client, make_activity(fake_connector.url), f"Bearer {token}")
        assert resp.status == 401
    clear_botbuilder_key_cache()
    assert handler.seen == []


async def test_unreachable_jwks_is_401_not_500(bot_client, handler, fake_connector):
    from tests.support.jwt_keys import clear_botbuilder_key_cache

    clear_botbuilder_key_cache()
    issuer = TokenIssuer().start()
    settings = auth_settings(issuer)
    token = issuer.mint(audience=APP_ID, service_url=fake_connector.url)
    issuer.stop()  # metadata endpoint now refuses connections
    client = await bot_client(settings, handler, ConnectorClient(token_provider=FakeTokens()))
    resp = await _post(client, make_activity(fake_connector.url), f"Bearer {token}")
    assert resp.status == 401
    assert handler.seen == []
    clear_botbuilder_key_cache()


async def test_rotated_key_is_picked_up(bot_client, handler, token_issuer, fake_connector):
    """A new `kid` refreshes the cached JWKS (on a worker thread) once the cache is older than an hour."""
    from datetime import datetime, timedelta

    from botframework.connector.auth import JwtTokenExtractor

    connector = ConnectorClient(token_provider=FakeTokens(), retry=FAST_RETRY)
    client = await bot_client(auth_settings(token_issuer), handler, connector)
    first = token_issuer.mint(audience=APP_ID, service_url=fake_connector.url)
    assert (await _post(client, make_activity(fake_connector.url), f"Bearer {first}")).status == 200

    new_key = SigningKey()
    token_issuer.keys.append(new_key)
    second = token_issuer.mint(audience=APP_ID, service_url=fake_connector.url, key=new_key)
    # Within the hour: botbuilder does not refetch for an unknown kid → 401.
    assert (await _post(client, make_activity(fake_connector.url), f"Bearer {second}")).status == 401
    metadata = JwtTokenExtractor.metadataCache[token_issuer.metadata_url]
    metadata.last_updated = datetime.now() - timedelta(hours=2)
    assert (await _post(client, make_activity(fake_connector.url), f"Bearer {second}")).status == 200
    assert token_issuer.metadata_requests == 2


async def test_an_accepted_token_is_not_accepted_for_another_service_url(
    auth_bot, handler, token_issuer, fake_connector
):
    """Validated tokens are remembered per serviceUrl: having passed once does not let one be replayed."""
    client, _ = auth_bot
    token = token_issuer.mint(audience=APP_ID, service_url=fake_connector.url)
    assert (await _post(client, make_activity(fake_connector.url), f"Bearer {token}")).status == 200
    other = make_activity("https://smba.trafficmanager.net/emea/")
    assert (await _post(client, other, f"Bearer {token}")).status == 401
    assert len(handler.seen) == 1


class _Counting:
    """The real botbuilder validation, counted."""

    def __init__(self, real: Any) -> None:
        self.real, self.calls = real, 0

    async def authenticate_request(self, activity: Any, auth_header: str) -> Any:
        self.calls += 1
        return await self.real.authenticate_request(activity, auth_header)


async def test_a_validated_token_is_trusted_until_its_expiry_or_the_ttl(token_issuer, fake_connector):
    from bot.transport.auth import VALIDATED_TTL, AuthError, InboundAuthenticator

    now = [1_000.0]
    settings = auth_settings(token_issuer)
    counting = _Counting(InboundAuthenticator(settings)._authentication)
    auth = InboundAuthenticator(settings, authentication=counting, clock=lambda: now[0])  # type: ignore[arg-type]
    url = fake_connector.url
    token = f"Bearer {token_issuer.mint(audience=APP_ID, service_url=url)}"

    claims = await auth.authenticate(token, channel_id="msteams", service_url=url)
    assert claims["aud"] == APP_ID
    assert await auth.authenticate(token, channel_id="msteams", service_url=url) == claims
    assert counting.calls == 1  # the second turn with the same token was not validated again

    now[0] += VALIDATED_TTL + 1  # then it is checked in full again
    assert await auth.authenticate(token, channel_id="msteams", service_url=url) == claims
    assert counting.calls == 2

    short = f"Bearer {token_issuer.mint(audience=APP_ID, service_url=url, lifetime=30)}"
    now[0] = time.time()
    await auth.authenticate(short, channel_id="msteams", service_url=url)
    now[0] += 31  # past its exp: not trusted from memory (botbuilder then judges it, with its skew)
    await auth.authenticate(short, channel_id="msteams", service_url=url)
    assert counting.calls == 4

    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with pytest.raises(AuthError):
        await auth.authenticate(tampered, channel_id="msteams", service_url=url)
