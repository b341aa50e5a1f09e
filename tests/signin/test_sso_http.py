"""Teams SSO over HTTP: the OAuthCard with a token exchange, `signin/tokenExchange` answered 200 or 412 and
deduplicated, the link as the fallback, sign-in prompts kept out of shared chats, and `signout`."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from bot.store import tables as t
from tests.fakes.entra import EntraUser
from tests.http.test_teams_http import card_text
from tests.signin.world import SSO_RESOURCE, Browser, World, link_of, teams  # noqa: F401  (fixture)

CHANNEL = {"conversation_type": "channel", "conversation_id": "19:general@thread.tacv2"}


def _obo_posts(world: World) -> int:
    return sum(
        1
        for _, p, f in world.entra.requests
        if p.endswith("/token") and "jwt-bearer" in f.get("grant_type", "")
    )


async def _oauth_card(world: World, user: EntraUser, text: str = "status") -> dict[str, Any]:
    attachment = await world.say(user, text)
    assert attachment["contentType"] == "application/vnd.microsoft.card.oauth", attachment
    content: dict[str, Any] = attachment["content"]
    assert content["tokenExchangeResource"]["uri"] == SSO_RESOURCE
    assert (
        content["buttons"][0]["type"] == "signin" and "/auth/start?state=" in content["buttons"][0]["value"]
    )
    return content


async def _exchange(
    world: World, user: EntraUser, card: dict[str, Any], token: str
) -> tuple[int, Any, list[Any]]:
    before = len(world.connector.messages)
    value = {
        "id": card["tokenExchangeResource"]["id"],
        "connectionName": card["connectionName"],
        "token": token,
    }
    status, body = await world.post(
        world.activity(user, kind="invoke", invoke_name="signin/tokenExchange", value=value)
    )
    return status, body, [m.json for m in world.connector.messages[before:]]


def _texts(messages: list[Any]) -> str:
    return "\n".join(card_text(a.get("content") or {}) for m in messages for a in m.get("attachments", []))


async def _caches(world: World) -> int:
    async with world.bot.services.store._engine.connect() as conn:  # type: ignore[attr-defined]
        return int((await conn.execute(sa.select(sa.func.count()).select_from(t.token_caches))).scalar_one())


async def test_sso_signs_in_silently_and_runs_the_command(teams: World) -> None:  # noqa: F811
    world = teams
    ada = world.person("Ada")
    card = await _oauth_card(world, ada)
    status, body, sent = await _exchange(world, ada, card, world.entra.sso_token(ada, SSO_RESOURCE))
    assert status == 200 and body == {
        "id": card["tokenExchangeResource"]["id"],
        "connectionName": card["connectionName"],
    }
    text = _texts(sent)
    assert "Signed in to **timeghost** as ada@contoso.example" in text and "No timer running" in text
    assert _obo_posts(world) == 1 and await _caches(world) == 1
    assert "signed in as ada@contoso.example" in card_text((await world.say(ada, "connect"))["content"])
    # The link of that card was used up by the exchange.
    page = await Browser(world.entra, ada).open(card["buttons"][0]["value"])
    assert page.status == 404


async def test_a_repeated_exchange_id_is_answered_once(teams: World) -> None:  # noqa: F811
    world = teams
    ada = world.person("Ada")
    card = await _oauth_card(world, ada)
    token = world.entra.sso_token(ada, SSO_RESOURCE)
    first = await _exchange(world, ada, card, token)
    second = await _exchange(
        world, ada, card, world.entra.sso_token(ada, SSO_RESOURCE)
    )  # a second Teams client
    assert first[0] == second[0] == 200 and first[2] and second[2] == []
    assert _obo_posts(world) == 1


async def test_without_consent_412_and_the_link_takes_over(teams: World) -> None:  # noqa: F811
    world = teams
    bob = world.person("Bob", consent=False)
    card = await _oauth_card(world, bob)
    status, body, sent = await _exchange(world, bob, card, world.entra.sso_token(bob, SSO_RESOURCE))
    assert status == 412 and body["failureDetail"] and sent == [] and await _caches(world) == 0
    since = len(world.connector.messages)
    page = await Browser(world.entra, bob).open(card["buttons"][0]["value"])  # Teams shows the button
    assert page.status == 200
    await world.wait_for_text("Signed in to **timeghost** as bob@contoso.example", since=since)
    await world.wait_for_text("No timer running", since=since)
    # consented now: the next sign-in is silent
    await world.say(bob, "signout")
    card = await _oauth_card(world, bob, "signin")
    again = await _exchange(world, bob, card, world.entra.sso_token(bob, SSO_RESOURCE))
    assert again[0] == 200, again


async def test_an_sso_token_for_another_audience_gets_412(teams: World) -> None:  # noqa: F811
    world = teams
    ada = world.person("Ada")
    card = await _oauth_card(world, ada)
    status, _, sent = await _exchange(world, ada, card, world.entra.sso_token(ada, "api://someone-else"))
    assert status == 412 and sent == [] and _obo_posts(world) == 0
    # a failed exchange does not burn its id: Teams may retry it with a good token
    assert (await _exchange(world, ada, card, world.entra.sso_token(ada, SSO_RESOURCE)))[0] == 200


async def test_someone_elses_sso_token_is_refused(teams: World) -> None:  # noqa: F811
    world = teams
    ada = world.person("Ada")
    eve = world.person("Eve", tenant_id=ada.tenant_id)
    card = await _oauth_card(world, ada)
    status, _, _ = await _exchange(world, ada, card, world.entra.sso_token(eve, SSO_RESOURCE))
    assert status == 412 and await _caches(world) == 0


async def test_verify_state_and_failure_are_explained(teams: World) -> None:  # noqa: F811
    world = teams
    ada = world.person("Ada")
    before = len(world.connector.messages)
    status, _ = await world.post(
        world.activity(ada, kind="invoke", invoke_name="signin/verifyState", value={"state": "123456"})
    )
    assert status == 404 and "didn't complete" in _texts([m.json for m in world.connector.messages[before:]])
    before = len(world.connector.messages)
    value = {"code": "resourcematchfailed", "message": "Resource match failed"}
    status, _ = await world.post(
        world.activity(ada, kind="invoke", invoke_name="signin/failure", value=value)
    )
    assert status == 200
    assert "single sign-on resource doesn't match" in _texts(
        [m.json for m in world.connector.messages[before:]]
    )


async def test_a_channel_command_prompts_privately(teams: World) -> None:  # noqa: F811
    world = teams
    ada = world.person("Ada")
    sent = await world.send(ada, "status", **CHANNEL)
    created = [r for r in sent if r.path == "/v3/conversations"]
    assert len(created) == 1 and created[0].json["members"] == [{"id": f"29:{ada.oid}"}]
    assert created[0].json["isGroup"] is False
    posts = [r for r in sent if "/activities" in r.path]
    public = [r for r in posts if r.conversation_id == CHANNEL["conversation_id"]]
    private = [r for r in posts if r.conversation_id != CHANNEL["conversation_id"]]
    assert len(public) == 1 and "sent you a private message" in card_text(
        public[0].json["attachments"][0]["content"]
    )
    assert "auth/start" not in json.dumps(public[0].json) and "oauth" not in json.dumps(public[0].json)
    assert (
        len(private) == 1
        and private[0].json["attachments"][0]["contentType"] == "application/vnd.microsoft.card.oauth"
    )
    card = private[0].json["attachments"][0]["content"]
    # the exchange arrives from the personal chat; confirmation and status go there, not to the channel
    value = {"id": card["tokenExchangeResource"]["id"], "connectionName": card["connectionName"],
             "token": world.entra.sso_token(ada, SSO_RESOURCE)}  # fmt: skip
    activity = world.activity(ada, kind="invoke", invoke_name="signin/tokenExchange", value=value,
                              conversation_id=private[0].conversation_id)  # fmt: skip
    before = len(world.connector.messages)
    assert (await world.post(activity))[0] == 200
    after = world.connector.messages[before:]
    assert after and all(r.conversation_id == private[0].conversation_id for r in after)


async def test_action_execute_in_a_shared_chat_asks_the_presser_to_sign_in(teams: World) -> None:  # noqa: F811
    world = teams
    ada = world.person("Ada")
    bob = world.person("Bob", tenant_id=ada.tenant_id)
    await world.bot.services.connections.save(  # type: ignore[union-attr]
        world.identity(ada),
        __import__("adapters.credentials", fromlist=["Connection"]).Connection("timeghost", "x"),
    )
    value = {
        "action": {"type": "Action.Execute", "verb": "refresh_status", "data": {"verb": "refresh_status"}}
    }
    status, body = await world.post(
        world.activity(bob, kind="invoke", invoke_name="adaptiveCard/action", value=value, **CHANNEL)
    )
    assert status == 200 and body["statusCode"] == 401
    assert body["type"] == "application/vnd.microsoft.activity.loginRequest"
    assert body["value"]["tokenExchangeResource"]["uri"] == SSO_RESOURCE
    link = body["value"]["buttons"][0]["value"]
    # Teams signs Bob in and sends the action again with his SSO token: it runs as Bob
    value["authentication"] = {"id": body["value"]["tokenExchangeResource"]["id"],
                               "connectionName": body["value"]["connectionName"],
                               "token": world.entra.sso_token(bob, SSO_RESOURCE)}  # fmt: skip
    status, body = await world.post(
        world.activity(bob, kind="invoke", invoke_name="adaptiveCard/action", value=value, **CHANNEL)
    )
    assert status == 200 and body["statusCode"] == 200, body
    assert "No timer running" in card_text(body["value"])
    assert await world.signin.account(world.identity(bob), "timeghost") == bob.upn
    assert await world.signin.account(world.identity(ada), "timeghost") is None  # Ada's API key untouched
    assert "/auth/start?state=" in link


async def test_signout_forgets_the_account_and_its_tokens(teams: World) -> None:  # noqa: F811
    world = teams
    ada = world.person("Ada")
    card = await _oauth_card(world, ada)
    await _exchange(world, ada, card, world.entra.sso_token(ada, SSO_RESOURCE))
    assert await _caches(world) == 1
    assert "Signed out of **timeghost**" in card_text((await world.say(ada, "signout"))["content"])
    assert (
        await _caches(world) == 0
        and await world.bot.services.connections.get(world.identity(ada), "timeghost") is None
    )  # type: ignore[union-attr]
    assert "not signed in" in card_text((await world.say(ada, "signout timeghost"))["content"])
    await _oauth_card(world, ada)  # status asks again


async def test_removing_the_app_deletes_the_persons_tokens(teams: World) -> None:  # noqa: F811
    world = teams
    ada = world.person("Ada")
    card = await _oauth_card(world, ada)
    await _exchange(world, ada, card, world.entra.sso_token(ada, SSO_RESOURCE))
    assert await _caches(world) == 1
    removed = world.activity(ada, kind="installationUpdate") | {"action": "remove"}
    status, _ = await world.post(removed)
    assert status == 200 and await _caches(world) == 0
    assert await world.signin.account(world.identity(ada), "timeghost") is None
