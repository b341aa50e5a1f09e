"""Keep bearer tokens, JWTs and signed links out of logs, whatever logs them (ours, aiohttp's access log,
botbuilder's, msal's)."""

from __future__ import annotations

import logging
import re
import time
from urllib.parse import parse_qsl, urlencode

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

_SECRETS = re.compile(
    r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"  # Authorization header values
    r"|eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"  # bare JWTs
    r"|((?:client_secret|password|access_token|refresh_token)[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+"
    r"|((?:/files/))[A-Za-z0-9_-]{20,64}"  # a report download token (a capability on its own)
    r"|([?&](?:sig|u|token|code|key)=)[^\s\"'&#]+"  # a signed link's signature and owner (the Entra id)
)


# Each alternative of `_SECRETS` needs one of these (lower-cased) or a `=`: text with none cannot match, so it
# skips the regex. That is nearly every line (the access log's, most of ours), and the regex is the dearest
# part of logging one (tests/transport/test_hygiene.py holds the two in step).
_CLUES = ("bearer", "eyj", "secret", "password", "token", "/files/")


def might_hold_secret(text: str) -> bool:
    """False only when `_SECRETS` cannot match `text`."""
    if "=" in text:
        return True
    return any(map(text.lower().__contains__, _CLUES))


def _repl(match: re.Match[str]) -> str:
    prefix = next((group for group in match.groups() if group), "")
    return f"{prefix}<redacted>"


def redact(text: str) -> str:
    return _SECRETS.sub(_repl, text) if might_hold_secret(text) else text


_PLAIN_PATHS = frozenset({"/api/messages", "/healthz"})  # nothing secret in them: no regex per request


def redact_path(path: str, query_string: str) -> str:
    """A request target fit for a log: every query value hidden (only our signed links have a query, and
    all of theirs are secret or personal), and a download token in the path hidden."""
    shown = path if path in _PLAIN_PATHS else redact(path)
    if not query_string:
        return shown
    keys = [(key, "<redacted>") for key, _ in parse_qsl(query_string, keep_blank_values=True)]
    return f"{shown}?{urlencode(keys, safe='<>')}"


class RedactingAccessLogger(AbstractAccessLogger):
    """aiohttp's access log without secrets: the stock one writes the whole `path?query`, which for a
    report download is the signed link with the person's Entra object id in it."""

    @property
    def enabled(self) -> bool:
        """Below INFO (`TIMEBOT_LOG_LEVEL=WARNING`) aiohttp skips the access log altogether."""
        return self.logger.isEnabledFor(logging.INFO)

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        # The line is made here, not from `%` arguments: the handler's `RedactingFilter` then has one plain
        # string to check (the client-sent User-Agent still goes through it).
        # `handle` a made record rather than `info()`: aiohttp asked `enabled` already, and where in aiohttp
        # the call came from (`findCaller` walks the stack for it) is never shown.
        target = redact_path(request.path, request.query_string)
        version = request.version
        line = (
            f'{request.remote or "-"} "{request.method} {target} HTTP/{version.major}.{version.minor}" '
            f'{response.status} {response.body_length} {time:.3f}s "{request.headers.get("User-Agent", "-")}"'
        )
        logger = self.logger
        logger.handle(logger.makeRecord(logger.name, logging.INFO, "", 0, line, (), None))


class RedactingFilter(logging.Filter):
    """Rewrites a record's final message (and exception text) with secrets redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class LineFormatter(logging.Formatter):
    """`%(asctime)s %(levelname)s %(name)s: %(message)s`, the date and time written once a second rather
    than for every line (the access log writes one per request)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self._second = -1
        self._stamp = ""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        second = int(record.created)
        if second != self._second:
            self._stamp = time.strftime(self.default_time_format, self.converter(record.created))
            self._second = second
        return f"{self._stamp},{int(record.msecs):03d}"


def configure_logging(level: str) -> None:
    """Root logging at `level` with one handler whose output never contains a token."""
    root = logging.getLogger()
    root.setLevel(level)
    # The line shows neither thread nor process name: do not look them up for every record.
    logging.logThreads = logging.logMultiprocessing = False
    handler = logging.StreamHandler()
    handler.setFormatter(LineFormatter())
    handler.addFilter(RedactingFilter())
    for old in [h for h in root.handlers if getattr(h, "_timebot", False)]:
        root.removeHandler(old)
    handler._timebot = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    # msal logs request details at DEBUG, alembic every plugin at INFO: keep both quieter than the app.
    for noisy in ("msal", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.WARNING))
