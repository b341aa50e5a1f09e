"""awork per-user OAuth through the bot-served link: authorization code (with PKCE), token, refresh — a
refresh token is single use, so two refreshes at once must spend it once."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiohttp import web

from adapters.backend import Identity
from bot.signin.awork import AworkOAuth, AworkTokens
from bot.signin.entra import SignInRequired
from bot.store.tokens import TokenStore
from tests.fakes.awork import FakeAwork
from tests.fakes.awork_oauth import AworkOAuth as AworkOAuthFake
from tests.http.test_teams_http import card_text
from tests.signin.world import AWORK_CLIENT, AWORK_SECRET, ROOT, Browser, World, link_of, playground  # noqa: F401
from tests.support.db import engine_for


async def _sign_in(world: World, awork_user: str) -> None:
    ada = world.people["Ada"]
    attachment = await world.say(ada, "signin awork")
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"  # no SSO for awork
    assert "awork account" in card_text(attachment["content"])
    since = len(world.connector.messages)
    page = await Browser(world.entra, awork_user=awork_user).open(link_of(attachment))
    assert page.status == 200 and "signed in to awork" in page.text
    await world.wait_for_text("Signed in to **awork** as Ada Lovelace", since=since)


async def test_sign_in_to_awork_and_track_there(playground: World) -> None:  # noqa: F811
    world = playground
    ada = world.person("Ada")
    awork_user, _ = world.awork.add_user("Ada", "Lovelace")
    await _sign_in(world, awork_user)
    assert world.awork_oauth.token_requests == ["authorization_code"]
    listed = card_text((await world.say(ada, "connect"))["content"])
    assert "**awork** · signed in · in use" in listed
    assert "No timer running" in card_text((await world.say(ada, "status"))["content"])
    used = [t for t, u in world.awork.tokens.items() if u == awork_user and t.startswith("aw-oauth-")]
    assert len(used) == 1


async def test_an_expiring_awork_token_is_refreshed_and_a_revoked_one_asks_again(playground: World) -> None:  # noqa: F811
    world = playground
    world.awork_oauth.access_token_lifetime = 60  # inside the 5-minute margin: every use refreshes
    ada = world.person("Ada")
    awork_user, _ = world.awork.add_user("Ada", "Lovelace")
    await _sign_in(world, awork_user)
    world.bot.backends.forget(world.identity(ada))
    assert "No timer running" in card_text((await world.say(ada, "status"))["content"])
    assert world.awork_oauth.token_requests[-1] == "refresh_token"
    world.awork_oauth.revoke(awork_user)
    world.bot.backends.forget(world.identity(ada))
    again = card_text((await world.say(ada, "status"))["content"])
    assert "Sign in to awork" in again and "expired or was revoked" in again


async def test_a_wrong_code_verifier_is_refused(playground: World) -> None:  # noqa: F811
    world = playground
    ada = world.person("Ada")
    awork_user, _ = world.awork.add_user("Ada", "Lovelace")
    link = link_of(await world.say(ada, "signin awork"))
    browser = Browser(world.entra, awork_user=awork_user)
    stopped = await browser.open(link, stop_before_callback=True)
    state = stopped.url.split("state=")[1]
    code = stopped.url.split("code=")[1].split("&")[0]
    other = link_of(await world.say(ada, "signin awork"))  # another pending sign-in, another verifier
    other_state = (await browser.open(other, stop_before_callback=True)).url.split("state=")[1]
    page = await browser.open(f"{world.signin.redirect_uri}?code={code}&state={other_state}")
    assert page.status == 400 and state != other_state
    assert await world.signin.account(world.identity(ada), "awork") is None


@pytest.mark.parametrize("processes", [1, 2])
async def test_two_refreshes_at_once_spend_the_refresh_token_once(database_url: str, processes: int) -> None:
    """Two bot processes (PostgreSQL) or two turns of one process need a fresh awork token at once."""
    if processes == 2 and not database_url.startswith("postgresql"):
        pytest.skip("several processes need PostgreSQL")
    awork = FakeAwork()
    oauth = AworkOAuthFake(awork, AWORK_CLIENT, AWORK_SECRET, redirect_uris=[])
    runner = web.AppRunner(oauth.install(awork.app()))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/api/v1"  # type: ignore[union-attr]
    awork_user, _ = awork.add_user("Ada", "Lovelace")
    who = Identity("tenant-1", "ada-oid", "Ada")
    oauth.refresh_tokens["seed-refresh-token"] = awork_user
    try:
        async with engine_for(database_url) as first, engine_for(database_url, migrate=False) as second:
            stores = [TokenStore(first, [ROOT]), TokenStore(second, [ROOT])][:processes]
            expired = AworkTokens("old-access", "seed-refresh-token", time.time() - 10)
            await stores[0].store(who, "awork", expired.dumps(), 0)
            clients = [AworkOAuth(base, AWORK_CLIENT, AWORK_SECRET, stores[i % processes]) for i in range(4)]
            try:
                tokens = await asyncio.gather(*(c.access_token(who) for c in clients))
                with pytest.raises(SignInRequired):
                    await clients[0].access_token(Identity("t", "nobody", "n"))
            finally:
                for c in clients:
                    await c.aclose()
    finally:
        await runner.cleanup()
    assert len(set(tokens)) == 1 and tokens[0] in awork.tokens
    assert oauth.token_requests.count("refresh_token") == 1
