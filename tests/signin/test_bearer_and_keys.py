"""timeghost takes a signed-in person's Entra token or an API key; only tokens the IdP issued for the
timeghost API get in. And a backend that cannot be bound is an answer, not an internal error."""

from __future__ import annotations

import pytest

from adapters.credentials import Connection, StaticConnections
from adapters.errors import Unauthorized
from adapters.timeghost.backend import TimeghostBackendFactory
from tests.http.test_teams_http import card_text
from tests.signin.world import TIMEGHOST_RESOURCE, World, playground  # noqa: F401  (fixture)


async def test_timeghost_accepts_its_own_entra_tokens_and_api_keys_only(playground: World) -> None:  # noqa: F811
    world = playground
    ada = world.person("Ada")
    key = next(k for k, u in world.timeghost.api_keys.items() if u == world.timeghost.aad_users[ada.oid])
    who = world.identity(ada)

    async def bind(secret: str, auth: str) -> str:
        connections = StaticConnections(
            {(who.aad_object_id, "timeghost"): Connection("timeghost", secret, extra={"auth": auth})}
        )
        factory = TimeghostBackendFactory(world.timeghost.url, connections)
        try:
            return (await factory.bind(who)).user.name
        finally:
            await factory.close()

    token = world.entra._access_token(
        ada, TIMEGHOST_RESOURCE, [f"{TIMEGHOST_RESOURCE}/user_impersonation"], "c"
    )
    assert await bind(token, "bearer") == "Ada"
    assert await bind(key, "api_key") == "Ada"
    graph = world.entra._access_token(
        ada, "https://graph.microsoft.com", ["https://graph.microsoft.com/User.Read"], "c"
    )
    with pytest.raises(Unauthorized):
        await bind(graph, "bearer")  # a token for another resource
    with pytest.raises(Unauthorized):
        await bind("aad-opaque-token", "bearer")


async def test_a_rejected_key_is_an_answer_and_connect_still_works(playground: World) -> None:  # noqa: F811
    """Before: binding the person's backend failed outside the error mapping, and `status` (and `connect`,
    the way to fix it) answered "Something went wrong"."""
    world = playground
    ada = world.person("Ada")
    await world.bot.services.connections.save(world.identity(ada), Connection("timeghost", "revoked-key"))  # type: ignore[union-attr]
    status = card_text((await world.say(ada, "status"))["content"])
    assert "went wrong" not in status and "connect" in status.lower()
    listed = card_text((await world.say(ada, "connect"))["content"])
    assert "**timeghost** · API key · in use" in listed
    assert "Switched to" in card_text((await world.say(ada, "connect local"))["content"])
