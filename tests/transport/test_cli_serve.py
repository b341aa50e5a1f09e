"""`timebot serve` refuses to expose an unauthenticated bot beyond loopback."""

from __future__ import annotations

import pytest

from bot import cli
from bot.settings import ConfigError
from bot.transport.server import check_bind_address, is_loopback_host
from tests.transport.conftest import make_settings


@pytest.fixture(autouse=True)
def _no_app_id(monkeypatch, tmp_path):
    for name in ("MicrosoftAppId", "MICROSOFT_APP_ID", "TIMEBOT_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "bot.example.com"])
def test_cli_serve_refuses_public_host_in_local_mode(capsys, host):
    assert cli.main(["serve", "--host", host]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("timebot: refusing to listen on")
    assert "Traceback" not in captured.err
    assert captured.out == ""


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost", "LOCALHOST"])
def test_loopback_hosts(host):
    assert is_loopback_host(host)


def test_public_host_is_fine_with_an_app_id():
    settings = make_settings(app_id="a", app_password="p", app_tenant_id="t", host="0.0.0.0")
    check_bind_address(settings)  # no error


def test_local_mode_public_host_raises_config_error():
    with pytest.raises(ConfigError):
        check_bind_address(make_settings(host="0.0.0.0"))


async def test_healthcheck_answers_0_for_a_serving_bot_and_1_when_nothing_listens(monkeypatch):
    """What the container's HEALTHCHECK runs: `timebot healthcheck` asks the bot's own /healthz."""
    import asyncio

    from aiohttp.test_utils import TestServer

    from bot.transport.server import create_web_app
    from tests.support.processes import free_port
    from tests.transport.conftest import EchoHandler

    server = TestServer(create_web_app(make_settings(), EchoHandler()), host="127.0.0.1")
    await server.start_server()
    try:
        monkeypatch.setenv("TIMEBOT_PORT", str(server.port))
        assert await asyncio.to_thread(cli.main, ["healthcheck"]) == 0
    finally:
        await server.close()
    monkeypatch.setenv("TIMEBOT_PORT", str(free_port()))
    assert await asyncio.to_thread(cli.main, ["healthcheck"]) == 1
