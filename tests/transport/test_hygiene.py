"""No secrets in logs; botbuilder's blocking JWKS fetch stays off the event loop; `serve` really serves."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from bot.transport.connector import ConnectorClient
from bot.transport.redact import RedactingFilter, redact
from tests.transport.conftest import APP_ID, FAST_RETRY, FakeTokens, auth_settings, make_activity

ROOT = Path(__file__).resolve().parents[2]


def test_redact_tokens_and_secrets():
    jwt_like = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl"
    text = f"Authorization: Bearer {jwt_like} token={jwt_like} password=hunter2"
    cleaned = redact(text)
    assert jwt_like not in cleaned
    assert "hunter2" not in cleaned
    assert "Bearer <redacted>" in cleaned


def test_redacting_filter_covers_messages_args_and_tracebacks():
    stream_records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            stream_records.append(self.format(record))

    handler = Collect()
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("timebot.test.redact")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("header was %s", "Bearer abc.def.ghi")
        try:
            raise RuntimeError("failed with Bearer secret-token-value")
        except RuntimeError:
            logger.exception("turn failed")
    finally:
        logger.removeHandler(handler)
    joined = "\n".join(stream_records)
    assert "abc.def.ghi" not in joined
    assert "secret-token-value" not in joined
    assert "turn failed" in joined and "RuntimeError" in joined


async def test_jwks_fetch_runs_off_the_event_loop(
    bot_client, handler, token_issuer, fake_connector, monkeypatch
):
    import requests
    from botframework.connector.auth import jwt_token_extractor

    loop_thread = threading.current_thread()
    fetch_threads: list[threading.Thread] = []
    real_get = requests.get

    def spy_get(*args, **kwargs):
        fetch_threads.append(threading.current_thread())
        return real_get(*args, **kwargs)

    monkeypatch.setattr(jwt_token_extractor.requests, "get", spy_get)
    connector = ConnectorClient(token_provider=FakeTokens(), retry=FAST_RETRY)
    client = await bot_client(auth_settings(token_issuer), handler, connector)
    token = token_issuer.mint(audience=APP_ID, service_url=fake_connector.url)
    resp = await client.post(
        "/api/messages", json=make_activity(fake_connector.url), headers={"Authorization": f"Bearer {token}"}
    )
    assert resp.status == 200
    assert len(fetch_threads) == 2  # metadata + keys
    assert all(t is not loop_thread for t in fetch_threads)


async def test_json_with_charset_is_accepted(bot_client, handler, fake_connector):
    import json

    from tests.transport.conftest import make_settings

    client = await bot_client(make_settings(), handler)
    resp = await client.post(
        "/api/messages",
        data=json.dumps(make_activity(fake_connector.url)).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert resp.status == 200


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_timebot_serve_starts_and_answers_healthz(tmp_path):
    """`python -m bot serve` with the real wiring: one line on stdout, /healthz answers."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.lower().startswith(("microsoftapp", "microsoft_app"))}
    env.update(PYTHONPATH=str(ROOT), TIMEBOT_DATA_DIR=str(tmp_path), TIMEBOT_LOG_LEVEL="WARNING")
    env.pop("TIMEBOT_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        url = f"http://127.0.0.1:{port}/api/messages"
        expected = f"timebot listening on {url} (local mode: no authentication)"
        assert line == expected
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                    assert resp.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_the_access_log_is_skipped_below_info_and_kept_at_info():
    """aiohttp asks `enabled` before timing and formatting a request's log line."""
    import logging

    from bot.transport.redact import RedactingAccessLogger

    logger = logging.getLogger("timebot.test.access")
    access = RedactingAccessLogger(logger, "")
    logger.setLevel(logging.WARNING)
    assert not access.enabled
    logger.setLevel(logging.INFO)
    assert access.enabled


def test_serve_settles_the_garbage_collector_after_start_up():
    """Start-up objects frozen out of collections, young collections rarer (the p99 of a busy bot)."""
    import asyncio
    import gc

    from bot.transport.server import GC_THRESHOLD, settle_memory

    before = gc.get_threshold()
    try:
        asyncio.run(settle_memory())
        assert gc.get_threshold() == GC_THRESHOLD
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


SECRET_SAMPLES = (
    "Authorization: BEARER abc.def.ghi",
    "token eYJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln",
    'CLIENT_SECRET: "s3cr3t"',
    "Password = hunter2",
    "refresh_token:xyz",
    "GET /FILES/abcdefghijklmnopqrstuvwxyz0123",
    "https://bot.example/x?SIG=abc&u=5f1c9a7e",
)


def test_every_secret_the_regex_hides_is_seen_by_the_cheap_check():
    """`redact` skips the regex for text without a clue; each kind of secret, in any case, has one."""
    from bot.transport.redact import _SECRETS, might_hold_secret

    for sample in SECRET_SAMPLES:
        assert _SECRETS.search(sample), sample
        assert might_hold_secret(sample), sample
        assert redact(sample) != sample, sample
    plain = '127.0.0.1 "POST /api/messages HTTP/1.1" 200 0 0.012s "Python/3.11 aiohttp/3.9.5"'
    assert not might_hold_secret(plain)
    assert redact(plain) == plain


def test_the_access_log_line_of_a_signed_download_hides_token_owner_and_signature(capsys):
    """Through the handler `timebot serve` installs: a download link's target and a User-Agent carrying a
    bearer token are both redacted; the rest of the line is aiohttp's usual one."""
    from aiohttp import web
    from aiohttp.test_utils import make_mocked_request

    from bot.transport.redact import RedactingAccessLogger, configure_logging

    token, owner, sig = "Qx7" * 10, "5f1c9a7e-0b2d-4c6e-9a8f-7d3e2b1a0c9f", "c2lnbmF0dXJlLXZhbHVl"
    root = logging.getLogger()
    level, before = root.level, list(root.handlers)
    flags = logging.logThreads, logging.logMultiprocessing
    try:
        configure_logging("INFO")
        request = make_mocked_request(
            "GET",
            f"/files/{token}?u={owner}&e=1796000000&sig={sig}",
            headers={"User-Agent": "curl/8 Bearer leaked-token-value"},
        )
        access = RedactingAccessLogger(logging.getLogger("aiohttp.access"), "")
        access.log(request, web.Response(status=200), 0.0125)
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
        root.setLevel(level)
        logging.logThreads, logging.logMultiprocessing = flags
    [line] = capsys.readouterr().err.splitlines()
    for secret in (token, owner, sig, "1796000000", "leaked-token-value"):
        assert secret not in line
    assert line.endswith(
        'INFO aiohttp.access: - "GET /files/<redacted>?u=<redacted>&e=<redacted>&sig=<redacted> HTTP/1.1"'
        ' 200 0 0.013s "curl/8 Bearer <redacted>"'
    ), line


def test_the_line_formatter_writes_the_time_as_the_stock_one_does():
    """The date and time are cached per second; lines within and across seconds read as before."""
    from bot.transport.redact import LineFormatter

    ours = LineFormatter()
    stock = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    for created in (1796000000.001, 1796000000.999, 1796000001.5, 1796000000.25):
        record = logging.LogRecord("timebot", logging.WARNING, "", 0, "hello %s", ("there",), None)
        record.created, record.msecs = created, (created - int(created)) * 1000
        assert ours.format(record) == stock.format(record)
