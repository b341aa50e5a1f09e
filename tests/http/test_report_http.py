"""The times report over HTTP: file consent in personal chat (upload to a fake OneDrive on loopback), and the
signed single-use download link in channels, served by the bot's own `GET /files/{token}`."""

from __future__ import annotations

import dataclasses
import io
import time
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.reports.files import FileStore
from bot.settings import Settings
from bot.transport.connector import ConnectorClient
from bot.transport.server import create_web_app
from tests.support.fake_connector import FakeConnector
from tests.support.harness import Harness, activity_json

NOW = datetime(2026, 11, 17, 15, 0, tzinfo=ZoneInfo("Europe/Berlin"))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"


class FakeOneDrive:
    """Accepts `PUT /upload/{name}` like an upload session URL does; records what arrived."""

    def __init__(self) -> None:
        self.uploads: list[tuple[dict[str, str], bytes]] = []
        self.fail_with: int | None = None
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def _put(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.uploads.append((dict(request.headers), body))
        if self.fail_with:
            return web.json_response({"error": "scripted"}, status=self.fail_with)
        return web.json_response({"id": "item-1", "name": request.match_info["name"]}, status=201)

    async def __aenter__(self) -> FakeOneDrive:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_put("/upload/{name}", self._put)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


class Bot:
    def __init__(
        self,
        client: TestClient,
        connector: FakeConnector,
        onedrive: FakeOneDrive,
        store: FileStore,
        clock: Clock,
    ) -> None:
        self.client, self.connector, self.onedrive, self.store, self.clock = (
            client,
            connector,
            onedrive,
            store,
            clock,
        )

    async def post(self, data: dict[str, Any]) -> tuple[int, Any]:
        response = await self.client.post("/api/messages", json=data)
        body = await response.json() if response.content_type == "application/json" else None
        return response.status, body

    async def send(self, text: str | None = None, **kw: Any) -> list[dict[str, Any]]:
        """Post an activity; return the activities the bot sent back."""
        before = len(self.connector.messages)
        status, _ = await self.post(activity_json(text, service_url=self.connector.url, **kw))
        assert status == 200
        return [r.json for r in self.connector.messages[before:]]

    async def consent(self, action: str, token: str, **kw: Any) -> tuple[int, list[dict[str, Any]]]:
        before = len(self.connector.messages)
        value: dict[str, Any] = {"type": "fileUpload", "action": action, "context": {"token": token}}
        if action == "accept":
            value["uploadInfo"] = {
                "uploadUrl": f"{self.onedrive.url}/upload/times.xlsx",
                "contentUrl": "https://contoso-my.sharepoint.com/personal/ada/Documents/times.xlsx",
                "name": "times.xlsx",
                "uniqueId": "unique-1",
                "fileType": "xlsx",
            }
        data = activity_json(
            kind="invoke", invoke_name="fileConsent/invoke", value=value, service_url=self.connector.url, **kw
        )
        status, _ = await self.post(data)
        return status, [r.json for r in self.connector.messages[before:]]

    def stored(self) -> list[str]:
        return sorted(p.name for p in self.store.directory.iterdir())


@pytest.fixture
async def bot(engine, tmp_path) -> AsyncIterator[Bot]:
    harness = Harness(engine, NOW)
    clock = Clock()
    store = FileStore(tmp_path / "reports", b"k" * 32, "https://bot.example.test", clock=clock)
    harness.services = dataclasses.replace(harness.services, files=store)
    harness.bot.services = harness.services
    for command in ("project add Website", "log 2026-11-02 9:00-10:30 @website header"):
        await harness.say(command)
    settings = Settings(_env_file=None, app_id="")  # type: ignore[call-arg]
    async with FakeConnector() as connector, FakeOneDrive() as onedrive:
        app = create_web_app(settings, harness.bot, connector=ConnectorClient(), files=store)
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            yield Bot(client, connector, onedrive, store, clock)


def consent_card(sent: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(sent) == 1, sent
    attachments = sent[0]["attachments"]
    assert [a["contentType"] for a in attachments] == [CONSENT]
    return attachments[0]


async def test_personal_chat_file_consent_accept_uploads_and_shows_the_file(bot: Bot) -> None:
    sent = await bot.send("report")
    assert "1 entry" in sent[0]["text"] and "1 h 30 min" in sent[0]["text"]
    card = consent_card(sent)
    assert card["name"] == "times_2026-11-01_2026-11-30.xlsx"
    content = card["content"]
    token = content["acceptContext"]["token"]
    assert content["declineContext"] == {"token": token} and content["sizeInBytes"] > 0
    status, sent = await bot.consent("accept", token)
    assert status == 200
    [(headers, body)] = bot.onedrive.uploads
    size = content["sizeInBytes"]
    assert headers["Content-Range"] == f"bytes 0-{size - 1}/{size}" and len(body) == size
    assert headers["Content-Length"] == str(size)
    rows = list(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert rows[1][5] == "Website" and rows[-1][0] == "Total"
    assert len(sent) == 1
    [info] = sent[0]["attachments"]
    assert info == {
        "contentType": FILE_INFO,
        "contentUrl": "https://contoso-my.sharepoint.com/personal/ada/Documents/times.xlsx",
        "name": "times.xlsx",
        "content": {"uniqueId": "unique-1", "fileType": "xlsx"},
    }
    assert bot.stored() == []  # delivered: gone from the bot
    status, sent = await bot.consent("accept", token)  # a second click
    assert status == 200 and "no longer available" in str(sent) and len(bot.onedrive.uploads) == 1


async def test_decline_drops_the_file(bot: Bot) -> None:
    token = consent_card(await bot.send("report"))["content"]["acceptContext"]["token"]
    status, sent = await bot.consent("decline", token)
    assert status == 200 and "didn't save" in str(sent)
    assert bot.stored() == [] and bot.onedrive.uploads == []


async def test_someone_else_cannot_accept_and_failed_upload_keeps_the_file(bot: Bot) -> None:
    token = consent_card(await bot.send("report"))["content"]["acceptContext"]["token"]
    status, sent = await bot.consent("accept", token, user="user-2", name="Mallory")
    assert status == 200 and "no longer available" in str(sent) and bot.onedrive.uploads == []
    bot.onedrive.fail_with = 500
    status, sent = await bot.consent("accept", token)
    assert status == 200 and "couldn't save" in str(sent)
    assert any(name.endswith(".xlsx") for name in bot.stored())  # still there for another try
    bot.onedrive.fail_with = None
    status, sent = await bot.consent("accept", token)
    assert FILE_INFO in str(sent) and bot.stored() == []


async def test_upload_url_must_be_https_or_loopback(bot: Bot) -> None:
    token = consent_card(await bot.send("report"))["content"]["acceptContext"]["token"]
    value = {
        "action": "accept",
        "context": {"token": token},
        "uploadInfo": {"uploadUrl": "http://169.254.169.254/latest", "contentUrl": "x", "name": "t.xlsx"},
    }
    data = activity_json(
        kind="invoke", invoke_name="fileConsent/invoke", value=value, service_url=bot.connector.url
    )
    status, _ = await bot.post(data)
    assert status == 400 and bot.onedrive.uploads == []


def download_link(sent: list[dict[str, Any]]) -> str:
    assert len(sent) == 1
    card = sent[0]["attachments"][0]["content"]
    [url] = [a["url"] for block in card["body"] if block["type"] == "ActionSet" for a in block["actions"]]
    assert url.startswith("https://bot.example.test/files/")
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def test_channel_gets_a_single_use_signed_link(bot: Bot) -> None:
    sent = await bot.send("report", conversation_type="channel", conversation_id="19:general@thread.tacv2")
    assert "Ada Lovelace" in str(sent) and "works once" in str(sent)
    link = download_link(sent)
    response = await bot.client.get(link)
    assert response.status == 200
    assert response.headers["Content-Type"] == XLSX
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    body = await response.read()
    rows = list(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert rows[1][7] == "header"
    assert (await bot.client.get(link)).status in (404, 410)  # used up
    assert bot.stored() == []


async def test_tampered_links_are_refused_and_the_file_survives(bot: Bot) -> None:
    link = download_link(await bot.send("report", conversation_type="groupChat", conversation_id="19:chat"))
    path, query = link.split("?")
    params = dict(p.split("=", 1) for p in query.split("&"))
    sig = params["sig"]
    forged = sig[:-1] + ("0" if sig[-1] != "0" else "1")
    assert (await bot.client.get(f"{path}?u={params['u']}&e={params['e']}&sig={forged}")).status == 403
    longer = int(params["e"]) + 3600
    assert (await bot.client.get(f"{path}?u={params['u']}&e={longer}&sig={sig}")).status == 403
    assert (await bot.client.get(f"{path}?u=user-2&e={params['e']}&sig={sig}")).status == 403
    assert (await bot.client.get(f"{path}x?{query}")).status in (403, 404)
    assert (await bot.client.head(link)).status == 405  # a link checker cannot use it up
    assert (await bot.client.get(link)).status == 200  # the real link still works, once


async def test_expired_links_are_refused(bot: Bot) -> None:
    link = download_link(await bot.send("report", conversation_type="channel", conversation_id="19:c"))
    bot.clock.offset = 15 * 60 + 1
    assert (await bot.client.get(link)).status == 410
    assert bot.stored() == []  # an expired file is deleted when someone tries it


async def test_personal_chat_in_the_playground_gets_the_link_not_a_consent_card_it_cannot_show(
    bot: Bot,
) -> None:
    """The Playground renders "File Consent Card is not supported yet"; its connector is `/_connector`."""
    before = len(bot.connector.messages)
    data = activity_json("report", service_url=f"{bot.connector.url}/_connector")
    status, _ = await bot.post(data)
    assert status == 200
    sent = [r.json for r in bot.connector.messages[before:]]
    assert CONSENT not in str(sent)
    card = str(sent[0]["attachments"][0]["content"])
    assert "for you only" in card and "Ada Lovelace" not in card  # a personal chat: no name needed
    link = download_link(sent)
    response = await bot.client.get(link)
    assert response.status == 200 and response.headers["Content-Type"] == XLSX
    assert (await bot.client.get(link)).status in (404, 410)  # single use, like in a channel


async def test_other_channels_than_teams_get_the_link(bot: Bot) -> None:
    data = activity_json("report", service_url=bot.connector.url)
    data["channelId"] = "emulator"
    before = len(bot.connector.messages)
    assert (await bot.post(data))[0] == 200
    sent = [r.json for r in bot.connector.messages[before:]]
    assert CONSENT not in str(sent)
    assert (await bot.client.get(download_link(sent))).status == 200
