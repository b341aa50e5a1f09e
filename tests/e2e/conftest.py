"""Fixtures for the end-to-end tests: a bot process, the Microsoft 365 Agents Playground and Chromium.

Needs Debian's Chromium at /usr/bin/chromium (`apt-get install chromium`) and the pinned Playground in
node_modules (`npm ci`). Without them the tests skip, except under CI (env `CI` set), where they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.support.processes import (
    REPO,
    START_TIMEOUT,
    Service,
    bot_env,
    free_port,
    start_process,
    timebot_executable,
    wait_healthy,
)

CHROMIUM = Path(os.environ.get("TIMEBOT_E2E_CHROMIUM", "/usr/bin/chromium"))
PLAYGROUND = REPO / "node_modules" / ".bin" / "agentsplayground"
PLAYGROUND_CONFIG = REPO / ".m365agentsplayground.yml"
ECHO_BOT = Path(__file__).resolve().parent / "echo_bot.py"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPLY_TIMEOUT = 20_000  # ms for the first reply to a message
QUIET_PERIOD = 1.0  # s without new bot messages before a turn counts as complete


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} (CI must install it: see tests/e2e/conftest.py)", pytrace=False)
    pytest.skip(what)


@pytest.fixture
def timebot_bot(tmp_path: Path) -> Iterator[Service]:
    """The real bot: `timebot serve` on a free port with an empty data dir, run from a clean cwd (no .env)."""
    workdir = tmp_path / "bot"
    workdir.mkdir()
    port = free_port()
    argv = [str(timebot_executable()), "serve", "--host", "127.0.0.1", "--port", str(port)]
    process, log = start_process("timebot", argv, cwd=workdir, env=bot_env(tmp_path / "data"))
    service = Service("timebot", process, log, f"http://127.0.0.1:{port}/api/messages")
    wait_healthy(service, f"http://127.0.0.1:{port}/healthz")
    yield service
    service.stop()


@pytest.fixture
def echo_bot(tmp_path: Path) -> Iterator[Service]:
    workdir = tmp_path / "echo"
    workdir.mkdir()
    port = free_port()
    process, log = start_process(
        "echo-bot", [sys.executable, str(ECHO_BOT), str(port)], cwd=workdir, env=dict(os.environ)
    )
    service = Service("echo bot", process, log, f"http://127.0.0.1:{port}/api/messages")
    wait_healthy(service, f"http://127.0.0.1:{port}/healthz")
    yield service
    service.stop()


def start_playground(endpoint: str, workdir: Path) -> Service:
    """The Playground for `endpoint`, using the repository's mock-Teams config, logging into `workdir`."""
    if not PLAYGROUND.exists():
        _missing(f"{PLAYGROUND} is missing (run `npm ci` in {REPO})")
    if shutil.which("node") is None:
        _missing("node is not on PATH")
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(PLAYGROUND_CONFIG, workdir / PLAYGROUND_CONFIG.name)
    env = dict(os.environ, TEAMSAPPTESTER_BROWSER="none")
    for var in ("AUTH_CLIENT_ID", "AUTH_CLIENT_SECRET", "AUTH_TENANT_ID", "BOT_ENDPOINT"):
        env.pop(var, None)
    requested = free_port()
    argv = [str(PLAYGROUND), "--app-endpoint", endpoint, "--channel-id", "msteams"]
    argv += ["--port", str(requested), "--disable-telemetry"]
    process, log = start_process("playground", argv, cwd=workdir, env=env)
    service = Service("Agents Playground", process, log, "")
    # It falls back to a random port if ours was taken meanwhile, and says so: "Listening on <port>".
    deadline = time.monotonic() + START_TIMEOUT
    port = None
    while port is None and time.monotonic() < deadline:
        found = re.search(r"Listening on (\d+)", service.output())
        if found:
            port = int(found.group(1))
        elif not service.alive():
            break
        else:
            time.sleep(0.2)
    if port is None:
        service.stop()
        pytest.fail(f"the Playground did not start:\n{service.output()}", pytrace=False)
    service.url = f"http://127.0.0.1:{port}"
    wait_healthy(service, service.url + "/")
    return service


def playground_diagnostics(service: Service) -> str:
    """The Playground's own log (config errors end up only there) plus its stdout."""
    dev_log = service.log.parent / "devTools" / "m365agentsplayground.log"
    text = dev_log.read_text(encoding="utf-8", errors="replace")[-6000:] if dev_log.exists() else ""
    return f"--- devTools/m365agentsplayground.log ---\n{text}\n--- stdout ---\n{service.output()}"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Playwright driving Debian's Chromium (never a downloaded browser).

    Module-scoped on purpose: sync Playwright keeps an event loop running in the main thread while it is
    open, which breaks every asyncio test that runs after it in the same session.
    """
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright Python package is not installed")
    with sync_playwright() as playwright:
        yield playwright.chromium


@pytest.fixture
def browser_page(chromium: Any) -> Iterator[Any]:
    with tempfile.TemporaryDirectory(prefix="timebot-e2e-chromium-") as profile:
        context = chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1400, "height": 1000},
            locale="en-US",
            timezone_id="UTC",
        )
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


class PlaygroundChat:
    """The Playground's web UI, as a person uses it (0.2.28 DOM, see the selectors below).

    - chats and channels: tree items named "Personal Chat", "<group chat name>", "<team> - <channel>"
    - the send box: the Lexical editor, `[role=textbox][contenteditable=true]`; Enter sends; `@name`
      opens a typeahead `[role=listbox][aria-label="Typeahead menu"]` to insert a real mention
    - each bot message (text or Adaptive Card) is a Fluent AI `.fai-OutputCard`; cards render inside
      it as `.ac-adaptiveCard`; card buttons are `<button aria-label=TITLE>` inside `.ac-actionSet`
    """

    BOT_MESSAGE = ".fai-OutputCard"
    CARD_ACTIONS = ".ac-actionSet"
    SEND_BOX = "[role=textbox][contenteditable=true]"

    CARD_TYPE = "application/vnd.microsoft.card.adaptive"
    # A card's width as Teams gives it: a phone (320 px) and the desktop client at about 1280 px, where a
    # full-width card gets the message column (about 720 px; the Playground itself draws cards narrower).
    CARD_WIDTHS: ClassVar[dict[str, str]] = {"320": "320px", "1280": "720px"}

    def __init__(self, page: Any, service: Service, screenshots: Path) -> None:
        self.page = page
        self.service = service
        self.screenshots = screenshots
        self.shots = 0
        self.cards: list[dict[str, Any]] = []  # every card the bot sent or answered a button with, in order
        page.on("websocket", self._watch)
        page.on("response", self._invoke_answer)

    def _watch(self, socket: Any) -> None:
        """The Playground's UI hears the bot's messages on its conversation stream (`createMessage`)."""
        if "_ws_conversation" in socket.url:
            socket.on("framereceived", self._frame)

    def _frame(self, payload: Any) -> None:
        try:
            event = json.loads(payload)
        except (TypeError, ValueError):
            return
        message = event.get("message") if isinstance(event, dict) else None
        for attachment in (message or {}).get("attachments") or []:
            if attachment.get("contentType") == self.CARD_TYPE:
                self.cards.append(attachment["content"])

    def _invoke_answer(self, response: Any) -> None:
        """A card button's `adaptiveCard/action` invoke: the card that replaces the pressed one."""
        if response.request.method != "POST" or not response.url.endswith("/_conversation/v1/invoke"):
            return
        try:
            body = response.json()
        except Exception:
            return
        if isinstance(body, dict) and body.get("type") == self.CARD_TYPE:
            self.cards.append(body["value"])

    def shoot(self, label: str) -> list[Path]:
        """The newest bot message as a person sees it at each of CARD_WIDTHS, as `<label>-<width>.png`."""
        paths = []
        for name, width in self.CARD_WIDTHS.items():
            self.page.evaluate(
                """([css]) => {
                    let style = document.getElementById('timebot-width');
                    if (!style) { style = document.createElement('style'); style.id = 'timebot-width';
                                  document.head.appendChild(style); }
                    style.textContent = css;
                }""",
                [
                    f"{self.BOT_MESSAGE} {{ width: {width} !important; max-width: {width} !important;"
                    " min-width: 0 !important; box-sizing: border-box !important }"
                    f" {self.BOT_MESSAGE} > div, {self.BOT_MESSAGE} .ac-adaptiveCard {{"
                    " width: auto !important; max-width: 100% !important; min-width: 0 !important;"
                    " box-sizing: border-box !important }"
                ],
            )
            self.page.wait_for_timeout(150)
            path = self.screenshots / f"{label}-{name}.png"
            self.page.locator(self.BOT_MESSAGE).last.screenshot(path=str(path))
            paths.append(path)
        return paths

    def open(self, chat: str = "Personal Chat") -> None:
        self.page.goto(self.service.url, wait_until="domcontentloaded")
        item = self.page.get_by_role("treeitem", name=chat)
        try:
            item.wait_for(timeout=30_000)
        except Exception:
            self.screenshot("open-failed")
            raise AssertionError(
                f"Playground UI did not load:\n{playground_diagnostics(self.service)}"
            ) from None
        item.click()
        self.page.locator(self.SEND_BOX).last.wait_for(timeout=10_000)
        self.settle()

    def bot_messages(self) -> list[str]:
        texts: list[str] = self.page.locator(self.BOT_MESSAGE).all_inner_texts()
        return [re.sub(r"\s+", " ", text).strip() for text in texts]

    def settle(self, previous: int | None = None) -> None:
        """Wait until no new bot message arrived for QUIET_PERIOD seconds (a turn may send several)."""
        count = self.page.locator(self.BOT_MESSAGE).count() if previous is None else previous
        quiet_since = time.monotonic()
        deadline = quiet_since + 30
        while time.monotonic() - quiet_since < QUIET_PERIOD and time.monotonic() < deadline:
            self.page.wait_for_timeout(100)
            now = self.page.locator(self.BOT_MESSAGE).count()
            if now != count:
                count, quiet_since = now, time.monotonic()

    def send(self, text: str, mention: str | None = None) -> list[str]:
        """Type `text`, press Enter, return the bot's replies to it (whitespace-normalised inner text).

        In group chats and channels the bot only hears @mentions: with `mention`, type `@<mention>`,
        pick it from the Playground's typeahead (`role=listbox`, "Typeahead menu"), then the text.
        """
        before = self.page.locator(self.BOT_MESSAGE).count()
        box = self.page.locator(self.SEND_BOX).last
        box.click()
        if mention:
            box.press_sequentially(f"@{mention}")
            menu = self.page.get_by_role("listbox", name="Typeahead menu")
            menu.get_by_text(mention, exact=True).first.click()
            box.press_sequentially(f" {text}")
        else:
            box.fill(text)
        box.press("Enter")
        try:
            self.page.locator(self.BOT_MESSAGE).nth(before).wait_for(timeout=REPLY_TIMEOUT)
        except Exception:
            self.screenshot(f"no-reply-{text}")
            raise AssertionError(
                f"no reply to {text!r} within {REPLY_TIMEOUT} ms\n{playground_diagnostics(self.service)}"
            ) from None
        self.settle(before + 1)
        return self.bot_messages()[before:]

    def click_card_button(self, title: str) -> list[str]:
        """Press the newest card button titled `title`; return the bot messages that follow."""
        before = self.page.locator(self.BOT_MESSAGE).count()
        buttons = self.page.locator(f"{self.BOT_MESSAGE} {self.CARD_ACTIONS}")
        buttons.get_by_role("button", name=title, exact=True).last.click()
        self.page.wait_for_timeout(300)
        self.settle()
        return self.bot_messages()[before:]

    def screenshot(self, label: str) -> Path:
        self.shots += 1
        safe = re.sub(r"[^A-Za-z0-9_-]+", "-", label)[:40]
        path = self.screenshots / f"{self.shots:02d}-{safe}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def screenshots_dir(tmp_path: Path) -> Path:
    path = tmp_path / "screenshots"
    path.mkdir()
    return path


@pytest.fixture
def playground_for_bot(timebot_bot: Service, tmp_path: Path) -> Iterator[Service]:
    service = start_playground(timebot_bot.url, tmp_path / "playground")
    yield service
    service.stop()


@pytest.fixture
def playground_for_echo(echo_bot: Service, tmp_path: Path) -> Iterator[Service]:
    service = start_playground(echo_bot.url, tmp_path / "playground")
    yield service
    service.stop()


@pytest.fixture
def chat_factory(browser_page: Any, screenshots_dir: Path) -> Any:
    """`chat_factory(playground_service)` -> a `PlaygroundChat` on the shared browser page."""

    def make(service: Service) -> PlaygroundChat:
        return PlaygroundChat(browser_page, service, screenshots_dir)

    return make
