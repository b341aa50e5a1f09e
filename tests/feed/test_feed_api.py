"""`POST /api/feed` and `PATCH /api/feed/{externalId}` over real HTTP: the key's life (made by an admin in a
personal chat, shown once, stored hashed, revoked), and every answer (201/200/400/401/404/409/413/415)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.backend import Identity
from bot.store import tables as t
from tests.feed.conftest import ALICE, BOB, World, make_world, secret_of
from tests.http.test_teams_http import card_text
from tests.support.harness import TENANT

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 17, 9, 0, tzinfo=BERLIN)


@pytest.fixture
async def world(engine: AsyncEngine) -> AsyncIterator[World]:
    async for w in make_world(engine, NOW):
        yield w


def event(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "Sprint review",
        "description": "Demo of sprint 12",
        "user": ALICE,
        "start": "2026-11-17T14:00:00+01:00",
        "end": "2026-11-17T15:00:00+01:00",
        "iconUrl": "https://example.com/planner.png",
        "url": "https://example.com/review",
        "category": "Planner",
        "externalId": "planner-42",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


async def key_for(world: World) -> str:
    await world.say("help")  # Alice is the workspace's first person: its admin
    return secret_of(await world.say("feed key add Zapier"))


async def test_an_admin_makes_a_key_in_a_personal_chat_shown_once_and_stored_hashed(world: World) -> None:
    card = await world.say("feed key add Zapier")
    secret = secret_of(card)
    assert "shown only this once" in card_text(card)
    async with world.engine.connect() as conn:
        rows = (await conn.execute(sa.select(t.feed_keys))).all()
    assert len(rows) == 1 and rows[0].key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps([tuple(str(v) for v in row) for row in rows])  # only the hash is kept
    listed = card_text(await world.say("feed keys"))
    assert "Zapier" in listed and secret[-4:] in listed and secret not in listed and "never used" in listed
    assert "already" in card_text(await world.say("feed key add zapier"))  # names are unique, any case


async def test_keys_are_for_admins_and_personal_chats_only(world: World) -> None:
    await world.say("help")  # Alice first: admin
    refused = card_text(await world.say("feed key add Mine", user=BOB))
    assert "Only admins" in refused
    in_channel = card_text(
        await world.say("feed key add Team", conversation_type="channel", conversation_id="19:team@thread")
    )
    assert "personal chat" in in_channel and "tbf_" not in in_channel
    german = card_text(await world.say("feed keys", user=BOB, locale="de-DE"))
    assert "Nur Admins" in german


async def test_posting_answers_201_with_the_stored_event_in_timeghost_names(world: World) -> None:
    key = await key_for(world)
    status, body = await world.api("POST", "/api/feed", event(), key=key)
    assert status == 201, body
    assert body["status"] == "created" and body["user"] == ALICE
    assert (body["name"], body["category"], body["externalId"], body["iconUrl"]) == (
        "Sprint review",
        "Planner",
        "planner-42",
        "https://example.com/planner.png",
    )
    assert body["start"] == "2026-11-17T13:00:00+00:00" and body["end"] == "2026-11-17T14:00:00+00:00"
    assert body["expires"] == "2027-05-16T08:00:00+00:00"  # kept 180 days from now
    assert body["tracker"]["backend"] == "local" and body["tracker"]["id"]  # the local feed has it too
    mirrored = await (await world.backend()).list_feed_events(NOW, NOW.replace(hour=23))
    assert [e.id for e in mirrored] == [body["tracker"]["id"]] and mirrored[
        0
    ].url == "https://example.com/review"
    # The same POST again (a retry) changes nothing; other content under the same externalId is a conflict.
    again_status, again = await world.api("POST", "/api/feed", event(), key=key)
    assert (again_status, again["status"], again["id"]) == (200, "unchanged", body["id"])
    conflict, problem = await world.api("POST", "/api/feed", event(name="Other"), key=key)
    assert conflict == 409 and problem["field"] == "externalId"
    # PATCH changes the fields sent, by externalId.
    patched_status, patched = await world.api(
        "PATCH",
        "/api/feed/planner-42",
        {"end": "2026-11-17T15:30:00+01:00", "name": "Sprint 12 review"},
        key=key,
    )
    assert patched_status == 200 and patched["status"] == "updated"
    assert (patched["name"], patched["end"], patched["category"]) == (
        "Sprint 12 review",
        "2026-11-17T14:30:00+00:00",
        "Planner",
    )
    assert (await (await world.backend()).list_feed_events(NOW, NOW.replace(hour=23)))[
        0
    ].name == "Sprint 12 review"
    missing, gone = await world.api("PATCH", "/api/feed/nope", {"name": "x"}, key=key)
    assert missing == 404 and gone["field"] == "externalId"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (event(name=None), "name"),
        (event(name=""), "name"),
        (event(user=None), "user"),
        (event(user="not a person"), "user"),
        (event(user="nobody@example.com"), "user"),  # a UPN the workspace does not know
        (event(start="2026-11-17T14:00:00"), "start"),  # no offset
        (event(start="yesterday"), "start"),
        (event(start=1763384400), "start"),  # a number is not ISO 8601
        (event(end="2026-11-17T13:00:00+01:00"), "end"),  # before start
        (event(iconUrl="javascript:alert(1)"), "iconUrl"),
        (event(url="ftp://example.com/x"), "url"),
        (event(colour="red"), "colour"),
        (event(channel="19:nobody@thread"), "channel"),  # no such subscribed conversation
        ({**event(), "description": "x" * 4001}, "description"),
    ],
)
async def test_400_names_the_field_at_fault_and_stores_nothing(world: World, body: Any, field: str) -> None:
    key = await key_for(world)
    status, answer = await world.api("POST", "/api/feed", body, key=key)
    assert status == 400, answer
    assert answer["field"] == field and field in answer["error"]
    async with world.engine.connect() as conn:
        assert (await conn.execute(sa.select(sa.func.count()).select_from(t.feed_events))).scalar_one() == 0


async def test_bodies_that_are_not_json_objects_are_400(world: World) -> None:
    key = await key_for(world)
    assert (await world.api("POST", "/api/feed", raw=b"{not json", key=key))[0] == 400
    status, answer = await world.api("POST", "/api/feed", [event()], key=key)
    assert status == 400 and answer["field"] is None
    status, answer = await world.api("PATCH", "/api/feed/planner-42", {}, key=key)
    assert status == 400 and "nothing to change" in answer["error"]


async def test_401_without_the_right_key_and_after_revoking_it(world: World) -> None:
    key = await key_for(world)
    for wrong in (None, "", "tbf_" + "x" * 43, key[:-1], key.upper()):
        status, answer = await world.api("POST", "/api/feed", event(), key=wrong)
        assert status == 401, (wrong, answer)
    response = await world.client.post("/api/feed", json=event(), headers={"Authorization": f"Basic {key}"})
    assert response.status == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    assert (await world.api("POST", "/api/feed", event(), key=key))[0] == 201
    assert "Revoked" in card_text(await world.say("feed key revoke Zapier"))
    status, _ = await world.api("POST", "/api/feed", event(externalId="planner-43"), key=key)
    assert status == 401
    assert "no feed key" in card_text(await world.say("feed key revoke Zapier"))


async def test_a_key_stops_working_when_its_owner_is_no_longer_admin(world: World) -> None:
    key = await key_for(world)
    await world.say("help", user=BOB)
    async with world.engine.begin() as conn:
        await conn.execute(sa.update(sa.table("local_users", sa.column("is_admin"))).values(is_admin=False))
    world.bot.backends.forget(Identity(TENANT, ALICE, "Alice"))  # bound backends are cached for a minute
    status, answer = await world.api("POST", "/api/feed", event(), key=key)
    assert status == 401, answer


async def test_413_for_an_oversized_body_and_415_for_another_type(world: World) -> None:
    key = await key_for(world)
    big = json.dumps(event(description="x" * 70_000)).encode()
    status, answer = await world.api("POST", "/api/feed", raw=big, key=key)
    assert status == 413 and "65536" in answer["error"]
    response = await world.client.post(
        "/api/feed", data=b"name=x", headers={"Authorization": f"Bearer {key}", "Content-Type": "text/plain"}
    )
    assert response.status == 415

    async def chunks(body: bytes, size: int = 4096) -> AsyncIterator[bytes]:  # no Content-Length: chunked
        for i in range(0, len(body), size):
            yield body[i : i + size]

    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    response = await world.client.post("/api/feed", data=chunks(big), headers=headers)
    assert response.status == 413
    fits = json.dumps(event(description="x" * 3000)).encode()
    response = await world.client.post("/api/feed", data=chunks(fits, 512), headers=headers)
    assert response.status == 201, await response.text()  # read whole, however it arrives


async def test_a_person_is_found_by_upn_where_the_tracker_knows_it(world: World) -> None:
    key = await key_for(world)
    await world.say("help", user=BOB)
    async with world.engine.begin() as conn:
        await conn.execute(
            sa.text("UPDATE local_users SET email = 'bob@contoso.example' WHERE aad_object_id = :bob"),
            {"bob": BOB},
        )
    status, body = await world.api("POST", "/api/feed", event(user="Bob@Contoso.example"), key=key)
    assert status == 201 and body["user"] == BOB


async def test_the_openapi_description_is_served_and_describes_what_is_accepted(world: World) -> None:
    response = await world.client.get("/api/openapi.json")
    assert response.status == 200
    spec = await response.json()
    assert spec["openapi"].startswith("3.1") and {"/api/feed", "/api/feed/{externalId}"} <= set(spec["paths"])
    post = spec["paths"]["/api/feed"]["post"]
    assert {"201", "400", "401", "413"} <= set(post["responses"])
    schema = spec["components"]["schemas"]["FeedEvent"]
    jsonschema.validate(event(), schema)  # the example body is valid by the description
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(event(colour="red"), schema)
    assert set(schema["required"]) == {"name", "user", "start", "end"}


async def test_an_expired_event_gives_its_external_id_back(world: World) -> None:
    key = await key_for(world)
    assert (await world.api("POST", "/api/feed", event(), key=key))[0] == 201
    world.clock.advance(days=180)  # kept 180 days; not pruned yet
    assert (await world.api("PATCH", "/api/feed/planner-42", {"name": "x"}, key=key))[0] == 404
    status, body = await world.api("POST", "/api/feed", event(name="Sprint review, again"), key=key)
    assert status == 201 and body["name"] == "Sprint review, again"


CHANNEL = "19:planning@thread.tacv2"


async def test_a_channel_that_subscribed_to_feed_gets_the_posted_event(world: World) -> None:
    key = await key_for(world)
    in_channel = {"conversation_type": "channel", "conversation_id": CHANNEL}
    status, answer = await world.api("POST", "/api/feed", event(channel=CHANNEL), key=key)
    assert status == 400 and answer["field"] == "channel"  # not subscribed yet
    assert "feed events" in card_text(await world.say("subscribe feed", **in_channel))
    status, stored = await world.api("POST", "/api/feed", event(channel=CHANNEL), key=key)
    assert status == 201 and stored["channel"] == CHANNEL
    [posted] = await world.delivered(CHANNEL)
    text = card_text(posted)
    assert "Posted to the feed" in text and "Sprint review" in text and "Open" in text
    assert "Book" not in text  # it is Alice's event: the channel only sees it
    [pushed] = await world.delivered(world.chat(ALICE))  # and Alice gets her bookable copy
    assert "Book" in card_text(pushed)
    assert "No more notifications here for feed events" in card_text(
        await world.say("unsubscribe feed", **in_channel)
    )
    status, answer = await world.api("POST", "/api/feed", event(channel=CHANNEL, externalId="x2"), key=key)
    assert status == 400 and answer["field"] == "channel"
