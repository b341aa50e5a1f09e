"""A person moves to Toggl Track from Teams: connect with a token in personal chat, track there, hear plainly
what Toggl cannot do, and go back — the real app over HTTP, the Toggl adapter against its fake on loopback."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.http import RetryPolicy
from adapters.local.factory import LocalBackendFactory
from adapters.models import ProjectDraft, TimeEntryDraft
from adapters.toggl.factory import TogglBackendFactory
from bot.service.backends import BackendRegistry
from bot.service.context import Services
from bot.service.refdata import RefDataCache
from bot.settings import Settings
from bot.store.connections import ConnectionStore
from bot.store.outbox import Outbox
from bot.store.state import Store
from bot.timebot import Timebot
from bot.transport.connector import ConnectorClient
from bot.transport.server import create_web_app
from tests.fakes.toggl import Account, FakeToggl
from tests.http.test_forms_http import inputs
from tests.http.test_teams_http import card_text
from tests.support.fake_connector import FakeConnector
from tests.support.harness import activity_json

FAST = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02, max_retry_after=1.0, deadline=2.0)


@dataclass
class World:
    client: TestClient
    connector: FakeConnector
    toggl: FakeToggl
    ada: Account
    bot: Timebot

    async def say(self, text: str | None = None, **kw: Any) -> str:
        return card_text(await self.card(text, **kw))

    async def card(self, text: str | None = None, **kw: Any) -> dict[str, Any]:
        before = len(self.connector.messages)
        data = activity_json(text, service_url=self.connector.url, user="ada", name="Ada", **kw)
        response = await self.client.post("/api/messages", json=data)
        assert response.status in (200, 201)
        sent = self.connector.messages[before:]
        assert len(sent) == 1
        return sent[0].json["attachments"][0]["content"]  # type: ignore[no-any-return]


@pytest.fixture
async def world(engine: AsyncEngine) -> AsyncIterator[World]:
    toggl = await FakeToggl().start()
    try:
        ada = toggl.add_account("Ada Lovelace", "ada@example.com", timezone="Europe/Berlin")
        async with FakeConnector() as connector:
            connections = ConnectionStore(engine, [b"test-root-secret-" * 3])
            services = Services(
                store=Store(engine), refdata=RefDataCache(), connections=connections, outbox=Outbox(engine)
            )
            toggl_factory = TogglBackendFactory(
                toggl.track_url, toggl.reports_url, toggl.webhooks_url, connections=connections, retry=FAST
            )
            registry = BackendRegistry({"local": LocalBackendFactory(engine), "toggl": toggl_factory})
            bot = Timebot(services, registry)
            settings = Settings(_env_file=None, app_id="")  # type: ignore[call-arg]
            app = create_web_app(settings, bot, connector=ConnectorClient())
            async with TestClient(TestServer(app, host="127.0.0.1")) as client:
                yield World(client, connector, toggl, ada, bot)
    finally:
        await toggl.stop()


async def test_connect_track_and_switch_back(world: World) -> None:
    assert "Connect Toggl Track" in await world.say("connect toggl")
    rejected = await world.say(
        value={"verb": "connect_save", "backend": "toggl", "token": "not-a-real-token"}
    )
    assert "rejected" in rejected and "Connect Toggl Track" in rejected  # the form again, with the problem

    before = len(world.connector.messages)
    connected = await world.say(
        value={"verb": "connect_save", "backend": "toggl", "token": world.ada.api_token}
    )
    assert "Connected to **Toggl Track** as Ada Lovelace" in connected
    assert world.ada.api_token not in json.dumps([m.json for m in world.connector.messages[before:]])

    backend = await world.bot.backends.bind(_ada(), "toggl")
    await backend.create_project(ProjectDraft(name="Website"))
    assert "Website" in await world.say("start @website")
    running = await backend.current_timer()
    assert running is not None and world.toggl.calls("POST", "/time_entries") >= 1
    assert "Website" in await world.say("stop")
    assert await backend.current_timer() is None

    unsupported = await world.say("come")
    assert "Toggl Track doesn't support" in unsupported and "working hours" in unsupported.lower()

    assert "Switched to" in await world.say("connect local")
    assert "No timer running" in await world.say("status")  # the built-in tracker, untouched by Toggl


async def test_a_token_is_only_accepted_in_personal_chat(world: World) -> None:
    refused = await world.say(
        "connect toggl", conversation_type="channel", conversation_id="19:c@thread.tacv2"
    )
    assert "personal chat" in refused
    data = {"verb": "connect_save", "backend": "toggl", "token": world.ada.api_token}
    refused = await world.say(value=data, conversation_type="groupChat", conversation_id="19:g@thread.v2")
    assert "personal chat" in refused


async def test_no_project_on_toggl_is_refused_by_name_on_the_form(world: World) -> None:
    """Toggl's v9 definition has no way to clear an entry's project: the edit form's "No project" is answered
    on the form itself, in the person's language, what was entered kept and nothing changed."""
    await world.say(value={"verb": "connect_save", "backend": "toggl", "token": world.ada.api_token})
    backend = await world.bot.backends.bind(_ada(), "toggl")
    project = await backend.create_project(ProjectDraft(name="Website"))
    start = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    entry = await backend.create_time_entry(
        TimeEntryDraft(start=start, end=start + timedelta(hours=1), project_id=project.id, description="call")
    )
    typed = {"date": "2026-11-16", "start": "10:00", "end": "11:00", "note": "call, longer"}
    save = {"verb": "edit_save", "entry_id": entry.id, "project": "-", **typed}
    for locale, said in (
        ("en-US", "doesn't support removing the project"),
        ("de-DE", "das Entfernen des Projekts"),
    ):
        form = await world.card(value=save, locale=locale)
        assert said in card_text(form), card_text(form)
        assert {k: inputs(form)[k].get("value") for k in typed} == typed
    assert await backend.get_time_entry(entry.id) == entry


def _ada():
    from adapters.backend import Identity

    return Identity("tenant-1", "ada", "Ada")


async def test_groups_are_listed_from_toggl_and_the_local_tracker_says_it_has_none(world: World) -> None:
    await world.say(value={"verb": "connect_save", "backend": "toggl", "token": world.ada.api_token})
    assert world.ada.default_workspace_id is not None
    workspace = world.toggl.workspaces[world.ada.default_workspace_id]
    world.toggl.add_group(workspace, "Design <Team>", [world.ada])
    world.toggl.add_group(workspace, "Ops", [])

    listed = (await world.say("groups")).splitlines()
    assert listed == ["Groups", r"**Design \<Team\>** · 1 member · you are a member", "**Ops**"]

    await world.say("connect local")
    refused = await world.say("groups")
    assert "support groups" in refused and "Groups" not in refused.splitlines()[0]
