"""The bot-served sign-in link over HTTP (local mode, as in the Playground): MSAL's auth-code flow with PKCE
through the fake Entra ID, bound to the person who asked, single use, 10 minutes — and every way it must
refuse."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from bot.store import tables as t
from tests.fakes.entra import EntraUser
from tests.http.test_teams_http import card_text
from tests.signin.world import Browser, World, link_of, playground  # noqa: F401  (fixture)


async def _prompt(world: World, user: EntraUser, text: str = "status") -> str:
    attachment = await world.say(user, text)
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert "Sign in to timeghost" in card_text(attachment["content"])
    return link_of(attachment)


async def _stored(world: World) -> int:
    async with world.bot.services.store._engine.connect() as conn:  # type: ignore[attr-defined]
        return int((await conn.execute(sa.select(sa.func.count()).select_from(t.token_caches))).scalar_one())


async def test_status_asks_to_sign_in_then_answers_once_signed_in(playground: World) -> None:  # noqa: F811
    world = playground
    ada = world.person("Ada")
    link = await _prompt(world, ada)
    assert link.startswith(world.signin.public_url + "/auth/start?state=")
    since = len(world.connector.messages)

    page = await Browser(world.entra, ada).open(link)
    assert page.status == 200 and "signed in to timeghost as ada@contoso.example" in page.text
    assert page.url.endswith("/auth/callback")
    await world.wait_for_text("Signed in to **timeghost** as ada@contoso.example", since=since)
    status = await world.wait_for_text("No timer running", since=since)  # the command that asked, run now
    assert status.conversation_id == "a:personal-1"

    bearer = [h["Authorization"] for h in world.timeghost.headers_seen if "Authorization" in h]
    assert bearer and world.entra.verify(bearer[-1].split()[1], "api://timeghost-api") is not None
    assert "api key" not in json.dumps(world.timeghost.headers_seen).lower()
    assert "signed in as ada@contoso.example" in card_text((await world.say(ada, "connect"))["content"])


async def test_a_forwarded_link_binds_nobody_else(playground: World) -> None:  # noqa: F811
    world = playground
    ada = world.person("Ada")
    eve = world.person("Eve", tenant_id=ada.tenant_id)  # a colleague the link was forwarded to
    link = await _prompt(world, ada)
    since = len(world.connector.messages)
    page = await Browser(world.entra, eve).open(link)
    assert page.status == 403 and "different account" in page.text
    assert await _stored(world) == 0
    await world.wait_for_text("used with an account that isn't yours", since=since)
    assert "Sign in to timeghost" in card_text((await world.say(ada, "status"))["content"])


async def test_an_unknown_state_is_refused(playground: World) -> None:  # noqa: F811
    world = playground
    world.person("Ada")
    browser = Browser(world.entra)
    start = await browser.open(world.signin.public_url + "/auth/start?state=made-up")
    assert start.status == 404 and "not valid" in start.text
    callback = await browser.post(world.signin.redirect_uri, {"code": "x", "state": "made-up"})
    assert callback.status == 400 and "not valid or was already used" in callback.text


async def test_a_link_works_once(playground: World) -> None:  # noqa: F811
    world = playground
    ada = world.person("Ada")
    browser = Browser(world.entra, ada)
    assert (await browser.open(await _prompt(world, ada))).status == 200
    assert browser.last_form is not None
    action, fields = browser.last_form
    replayed = await browser.post(action, fields)
    assert replayed.status == 400 and "already used" in replayed.text
    async with world.bot.services.store._engine.connect() as conn:  # type: ignore[attr-defined]
        version = (await conn.execute(sa.select(t.token_caches.c.version))).scalar_one()
    assert version == 1  # the replay changed nothing


async def test_a_link_expires_after_ten_minutes(playground: World) -> None:  # noqa: F811
    world = playground
    ada = world.person("Ada")
    link = await _prompt(world, ada)
    world.advance(minutes=10, seconds=1)
    page = await Browser(world.entra, ada).open(link)
    assert page.status == 410 and "expired" in page.text
    assert await _stored(world) == 0


async def test_a_link_expiring_between_start_and_callback_is_refused(playground: World) -> None:  # noqa: F811
    world = playground
    ada = world.person("Ada")
    browser = Browser(world.entra, ada)
    await browser.open(await _prompt(world, ada), stop_before_callback=True)
    world.advance(minutes=11)
    assert browser.last_form is not None
    page = await browser.post(*browser.last_form)
    assert page.status == 410 and await _stored(world) == 0


async def test_a_code_from_another_flow_fails_pkce(playground: World) -> None:  # noqa: F811
    """A code injected into another pending sign-in (same person) does not match that flow's verifier."""
    world = playground
    ada = world.person("Ada")
    browser = Browser(world.entra, ada)
    await browser.open(await _prompt(world, ada), stop_before_callback=True)
    assert browser.last_form is not None
    first_action, first = browser.last_form
    await browser.open(await _prompt(world, ada), stop_before_callback=True)
    _, second = browser.last_form
    swapped = await browser.post(first_action, {**second, "code": first["code"]})
    assert swapped.status == 400 and "didn't complete" in swapped.text
    grants = [f.get("grant_type") for _, p, f in world.entra.requests if p.endswith("/token")]
    assert grants == ["authorization_code"]  # Entra refused it (AADSTS501481); nothing was stored
    assert await _stored(world) == 0


async def test_a_cancelled_sign_in_says_so(playground: World) -> None:  # noqa: F811
    world = playground
    ada = world.person("Ada")
    link = await _prompt(world, ada)
    state = parse_qs(urlsplit(link).query)["state"][0]
    page = await Browser(world.entra, ada).post(
        world.signin.redirect_uri,
        {
            "state": state,
            "error": "access_denied",
            "error_description": "AADSTS65004: User declined to consent.",
        },
    )
    assert page.status == 400 and "cancelled" in page.text and "declined" in page.text
    assert "<script" not in page.text


async def test_a_revoked_refresh_token_leads_back_to_the_prompt(playground: World) -> None:  # noqa: F811
    world = playground
    world.entra.access_token_lifetime = 60  # every use refreshes
    ada = world.person("Ada")
    await Browser(world.entra, ada).open(await _prompt(world, ada))
    await world.wait_for_text("No timer running")
    async with world.bot.services.store._engine.connect() as conn:  # type: ignore[attr-defined]
        before = (await conn.execute(sa.select(t.token_caches.c.version))).scalar_one()
    world.entra.revoke(ada)
    world.bot.backends.forget(world.identity(ada))
    again = await world.say(ada, "status")
    assert "expired or was revoked" in card_text(again["content"])
    async with world.bot.services.store._engine.connect() as conn:  # type: ignore[attr-defined]
        assert (await conn.execute(sa.select(t.token_caches.c.version))).scalar_one() == before
