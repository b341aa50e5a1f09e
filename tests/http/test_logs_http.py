"""What the running bot writes to its log keeps secrets out: `timebot serve` as deployed (its own process,
its own logging set-up), a report fetched through the signed download link, then the log read back."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from tests.support.fake_connector import FakeConnector
from tests.support.harness import activity_json
from tests.support.processes import (
    Service,
    bot_env,
    free_port,
    start_process,
    timebot_executable,
    wait_healthy,
)

USER = "5f1c9a7e-0b2d-4c6e-9a8f-7d3e2b1a0c9f"  # an Entra object id: personal data, never logged


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Service]:
    workdir = tmp_path / "bot"
    workdir.mkdir()
    port = free_port()
    env = bot_env(tmp_path / "data")
    env.update({"TIMEBOT_PUBLIC_URL": f"http://127.0.0.1:{port}", "TIMEBOT_LOG_LEVEL": "INFO"})
    argv = [str(timebot_executable()), "serve", "--host", "127.0.0.1", "--port", str(port)]
    process, log = start_process("timebot", argv, cwd=workdir, env=env)
    service = Service("timebot", process, log, f"http://127.0.0.1:{port}")
    wait_healthy(service, f"{service.url}/healthz")
    yield service
    service.stop()


async def test_a_report_download_leaves_no_signature_token_or_object_id_in_the_log(served: Service) -> None:
    async with FakeConnector() as connector, aiohttp.ClientSession() as http:

        async def send(text: str) -> dict:
            before = len(connector.messages)
            data = activity_json(
                text,
                user=USER,
                service_url=connector.url,
                conversation_type="channel",
                conversation_id="19:general@thread.tacv2",
            )
            async with http.post(f"{served.url}/api/messages", json=data) as response:
                assert response.status == 200
            [reply] = [r.json for r in connector.messages[before:]]
            return reply

        await send("project add Website")
        await send("log 1h @website yesterday")
        card = (await send("report"))["attachments"][0]["content"]
        [url] = [a["url"] for b in card["body"] if b["type"] == "ActionSet" for a in b["actions"]]
        async with http.get(url) as response:
            assert response.status == 200 and len(await response.read()) > 0
        async with http.get(url) as again:  # used up: logged too, as a refusal
            assert again.status in (404, 410)
    await asyncio.sleep(0.2)  # the access log line is written after the response
    served.stop()
    log = served.log.read_text(encoding="utf-8", errors="replace")
    parts = urlsplit(url)
    token = parts.path.rsplit("/", 1)[1]
    query = parse_qs(parts.query)
    assert re.search(r'"GET /files/\S+ HTTP/1\.1" 200', log), log  # the download is in the access log…
    for secret in (token, query["sig"][0], USER):  # …without what makes the link work or names the person
        assert secret not in log, f"{secret} was logged:\n{log}"
