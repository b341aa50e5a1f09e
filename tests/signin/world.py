"""The whole bot with sign-in over HTTP: fake Entra ID (MSAL's real HTTP), fake timeghost and awork (with
its OAuth endpoints), the fake Bot Connector, and a test "browser" that follows sign-in links.

Everything speaks its real wire protocol on loopback; the only stand-in is who is logged in in the browser
(a cookie each fake reads).
"""

from __future__ import annotations

import asyncio
import html.parser
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.awork.factory import AworkBackendFactory
from adapters.backend import Identity
from adapters.graph import GraphCalendar
from adapters.http import RetryPolicy
from adapters.local.factory import LocalBackendFactory
from adapters.timeghost.backend import TimeghostBackendFactory
from bot.notify import NotificationQueue
from bot.service.backends import BackendRegistry
from bot.service.calendarfeed import CalendarFeed
from bot.service.context import Services
from bot.service.refdata import RefDataCache
from bot.settings import Settings
from bot.signin.awork import AworkOAuth as AworkClient
from bot.signin.connections import SignedInConnections
from bot.signin.entra import Entra
from bot.signin.service import SignIn
from bot.signin.sso import SsoValidator
from bot.store.calendar import CalendarWindows
from bot.store.connections import ConnectionStore
from bot.store.feed import FeedState
from bot.store.signins import PendingSignIns
from bot.store.state import Store
from bot.store.tokens import TokenStore
from bot.timebot import Timebot
from bot.transport.connector import ConnectorClient
from bot.transport.server import create_web_app
from tests.fakes.awork import FakeAwork
from tests.fakes.awork_oauth import AworkOAuth
from tests.fakes.entra import EntraUser, FakeEntra
from tests.fakes.graph import FakeGraph
from tests.fakes.timeghost import FakeTimeghost
from tests.http.test_teams_http import card_text
from tests.support.fake_connector import FakeConnector, RecordedRequest
from tests.support.harness import activity_json

CLIENT, SECRET = "5d7c2a8e-1b3f-4c6d-9e0a-7f1b2c3d4e5f", "bot-secret"
TIMEGHOST_RESOURCE = "api://timeghost-api"
TIMEGHOST_SCOPE = f"{TIMEGHOST_RESOURCE}/user_impersonation"
SSO_RESOURCE = f"api://bot.example/botid-{CLIENT}"
AWORK_CLIENT, AWORK_SECRET = "timebot-awork", "awork-client-secret"
ROOT = b"root-secret-for-sign-in-tests-" * 2
FAST = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02, max_retry_after=1.0, deadline=2.0)


class _Form(html.parser.HTMLParser):
    """The auto-submitting form of an OAuth `form_post` answer."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = values.get("action")
        elif tag == "input" and values.get("name"):
            self.fields[values["name"]] = values.get("value", "")


@dataclass
class Page:
    status: int
    text: str
    url: str


class Browser:
    """Follows a sign-in link as a person logged in to Entra (and/or awork) would, in a worker thread."""

    def __init__(
        self, entra: FakeEntra, user: EntraUser | None = None, *, awork_user: str | None = None
    ) -> None:
        self.session = entra.http()
        if user is not None:
            self.session.cookies.set("fake-entra-user", user.oid)
        if awork_user is not None:
            self.session.cookies.set("fake-awork-user", awork_user)
        self.last_form: tuple[str, dict[str, str]] | None = None

    def _follow(self, url: str, *, stop_before_callback: bool) -> Page:
        method, data = "GET", None
        for _ in range(10):
            response = self.session.request(method, url, data=data, allow_redirects=False, timeout=15)
            if response.is_redirect:
                url, method, data = urljoin(url, response.headers["Location"]), "GET", None
                if stop_before_callback and "/auth/callback" in url:
                    return Page(302, "", url)
                continue
            form = _Form()
            form.feed(response.text)
            if form.action and "document.forms[0].submit()" in response.text:
                self.last_form = (form.action, dict(form.fields))
                if stop_before_callback:
                    return Page(response.status_code, response.text, form.action)
                url, method, data = form.action, "POST", form.fields
                continue
            return Page(response.status_code, response.text, url)
        raise AssertionError("too many redirects")

    async def open(self, url: str, *, stop_before_callback: bool = False) -> Page:
        return await asyncio.to_thread(self._follow, url, stop_before_callback=stop_before_callback)

    async def post(self, url: str, fields: dict[str, str]) -> Page:
        response = await asyncio.to_thread(
            self.session.post, url, data=fields, allow_redirects=False, timeout=15
        )
        return Page(response.status_code, response.text, url)


@dataclass
class World:
    client: TestClient
    connector: FakeConnector
    entra: FakeEntra
    timeghost: FakeTimeghost
    awork: FakeAwork
    awork_oauth: AworkOAuth
    graph: FakeGraph
    bot: Timebot
    signin: SignIn
    workspace: str
    now: list[datetime] = field(default_factory=lambda: [datetime.now(UTC)])
    people: dict[str, EntraUser] = field(default_factory=dict)

    def clock(self) -> datetime:
        return self.now[0]

    def advance(self, **delta: float) -> None:
        self.now[0] += timedelta(**delta)

    def person(self, name: str, *, tenant_id: str | None = None, consent: bool = True) -> EntraUser:
        """An Entra user who is also a member of the timeghost workspace (known there by object id)."""
        user = self.entra.add_user(f"{name.lower()}@contoso.example", name, tenant_id=tenant_id)
        if consent:
            self.entra.consent(user, TIMEGHOST_SCOPE)
        user_id, _key = self.timeghost.add_user(self.workspace, name, user.upn)
        self.timeghost.aad_users[user.oid] = user_id
        self.people[name] = user
        return user

    def identity(self, user: EntraUser) -> Identity:
        return Identity(user.tenant_id, user.oid, user.name)

    def activity(self, user: EntraUser, text: str | None = None, **kw: Any) -> dict[str, Any]:
        return activity_json(
            text, user=user.oid, name=user.name, tenant=user.tenant_id, service_url=self.connector.url, **kw
        )

    async def post(self, data: dict[str, Any]) -> tuple[int, Any]:
        response = await self.client.post("/api/messages", json=data)
        body = await response.json() if response.content_type == "application/json" else None
        return response.status, body

    async def send(self, user: EntraUser, text: str | None = None, **kw: Any) -> list[RecordedRequest]:
        """Post an activity; the connector requests it caused."""
        before = len(self.connector.requests)
        status, _ = await self.post(self.activity(user, text, **kw))
        assert status == 200
        return self.connector.requests[before:]

    async def say(self, user: EntraUser, text: str, **kw: Any) -> dict[str, Any]:
        """Send a message; the one thing the bot posted back (a card or another attachment)."""
        sent = [r for r in await self.send(user, text, **kw) if "/activities" in r.path]
        assert len(sent) == 1, [r.json for r in sent]
        attachment: dict[str, Any] = sent[0].json["attachments"][0]
        return attachment

    async def wait_for_text(self, fragment: str, *, since: int = 0, within: float = 10.0) -> RecordedRequest:
        """The first message posted (from `since` on) whose card text contains `fragment`."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            for request in self.connector.messages[since:]:
                for attachment in (request.json or {}).get("attachments", []):
                    if fragment in card_text(attachment.get("content") or {}):
                        return request
            if asyncio.get_running_loop().time() > deadline:
                shown = [
                    card_text(a.get("content") or {})
                    for r in self.connector.messages[since:]
                    for a in r.json.get("attachments", [])
                ]
                raise AssertionError(f"no message with {fragment!r}; got {shown}")
            await asyncio.sleep(0.02)


def link_of(attachment: dict[str, Any]) -> str:
    """The sign-in link on a prompt: an Adaptive Card's OpenUrl or an OAuthCard's signin button."""
    content = attachment["content"]
    for button in content.get("buttons", []):
        if button.get("type") == "signin":
            return str(button["value"])
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.OpenUrl":
                found.append(node["url"])
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(content)
    assert found, content
    return found[0]


async def make_world(engine: AsyncEngine, *, sso: bool) -> AsyncIterator[World]:
    entra = FakeEntra().start()
    timeghost, awork, graph = FakeTimeghost(), FakeAwork(), FakeGraph(entra)
    tg_url, graph_url = await timeghost.start(), await graph.start()
    timeghost.identity_provider = lambda token: (entra.verify(token, TIMEGHOST_RESOURCE) or {}).get("oid")
    oauth = AworkOAuth(awork, AWORK_CLIENT, AWORK_SECRET, redirect_uris=[])
    runner = web.AppRunner(oauth.install(awork.app()))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    awork_url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/api/v1"  # type: ignore[union-attr]
    now = [datetime.now(UTC)]
    try:
        async with FakeConnector() as connector:
            connections, tokens = ConnectionStore(engine, [ROOT]), TokenStore(engine, [ROOT])
            http: requests.Session = entra.http()
            signin = SignIn(
                public_url="http://placeholder",
                pending=PendingSignIns(engine, [ROOT]),
                connections=connections,
                entra=Entra(
                    CLIENT, SECRET, "https://login.microsoftonline.com/organizations", tokens, http=http
                ),
                timeghost_scope=TIMEGHOST_SCOPE,
                awork=AworkClient(awork_url, AWORK_CLIENT, AWORK_SECRET, tokens),
                sso=SsoValidator(client_id=CLIENT, resource=SSO_RESOURCE, http=http) if sso else None,
                sso_resource=SSO_RESOURCE,
                clock=lambda: now[0],
            )
            calendar = CalendarFeed(GraphCalendar(graph_url, retry=FAST), CalendarWindows(engine))
            services = Services(
                store=Store(engine),
                refdata=RefDataCache(),
                connections=connections,
                notifications=NotificationQueue(engine),
                signin=signin,
                clock=lambda: now[0],
                feed=FeedState.on(engine),
                feed_sources=(calendar,),
            )
            registry = BackendRegistry(
                {
                    "local": LocalBackendFactory(engine),
                    "timeghost": TimeghostBackendFactory(
                        tg_url, SignedInConnections(connections, signin), retry=FAST
                    ),
                    "awork": AworkBackendFactory(
                        awork_url, SignedInConnections(connections, signin), retry=FAST
                    ),
                }
            )
            bot = Timebot(services, registry, default_backend="timeghost")
            settings = Settings(_env_file=None, app_id="")  # type: ignore[call-arg]
            app = create_web_app(settings, bot, connector=ConnectorClient())
            async with TestClient(TestServer(app, host="127.0.0.1")) as client:
                signin.public_url = str(client.make_url("")).rstrip("/")
                entra.register_app(
                    CLIENT, SECRET, redirect_uris=[signin.redirect_uri], sso_resource=SSO_RESOURCE
                )
                oauth.redirect_uris.append(signin.redirect_uri)
                world = World(
                    client, connector, entra, timeghost, awork, oauth, graph, bot, signin,
                    timeghost.add_workspace("Contoso"), now,
                )  # fmt: skip
                yield world
            await signin.awork.aclose()  # type: ignore[union-attr]
            await calendar.graph.aclose()
    finally:
        await graph.close()
        await runner.cleanup()
        await timeghost.close()
        entra.stop()


@pytest.fixture
async def playground(engine: AsyncEngine) -> AsyncIterator[World]:
    """Local mode (the Playground): no Teams SSO, sign-in by link."""
    async for world in make_world(engine, sso=False):
        yield world


@pytest.fixture
async def teams(engine: AsyncEngine) -> AsyncIterator[World]:
    """A Teams deployment: SSO with token exchange, the link as fallback."""
    async for world in make_world(engine, sso=True):
        yield world
