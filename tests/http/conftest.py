"""The fixtures of the HTTP tests: the databases, and `bot`, the whole bot over HTTP (aiohttp test server,
real Teams activity JSON in) with its connector calls going to a fake on loopback. A module that needs more
(the report tests' file store) defines its own `bot`, which wins over this one."""

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.settings import Settings
from bot.transport.connector import ConnectorClient
from bot.transport.server import create_web_app
from tests.http.test_teams_http import NOW, Bot
from tests.support.db import database_url, engine  # noqa: F401  (fixtures)
from tests.support.fake_connector import FakeConnector
from tests.support.harness import Harness


@pytest.fixture
async def bot(engine) -> AsyncIterator[Bot]:  # noqa: F811  (engine is the fixture imported above)
    harness = Harness(engine, NOW)
    settings = Settings(_env_file=None, app_id="")  # type: ignore[call-arg]
    async with FakeConnector() as connector:
        app = create_web_app(settings, harness.bot, connector=ConnectorClient())
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            yield Bot(client, connector, harness)
