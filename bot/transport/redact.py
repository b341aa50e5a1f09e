"""Keep bearer tokens, JWTs and signed links out of logs, whatever logs them (ours, aiohttp's access log,
botbuilder's, msal's)."""

from __future__ import annotations

import logging
import re
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


def redact(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        prefix = next((group for group in match.groups() if group), "")
        return f"{prefix}<redacted>"

    return _SECRETS.sub(repl, text)


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
        target = redact_path(request.path, request.query_string)
        version = f"{request.version.major}.{request.version.minor}"
        self.logger.info(
            '%s "%s %s HTTP/%s" %d %s %.3fs "%s"',
            request.remote or "-",
            request.method,
            target,
            version,
            response.status,
            response.body_length,
            time,
            request.headers.get("User-Agent", "-"),
        )


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


def configure_logging(level: str) -> None:
    """Root logging at `level` with one handler whose output never contains a token."""
    root = logging.getLogger()
    root.setLevel(level)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    for old in [h for h in root.handlers if getattr(h, "_timebot", False)]:
        root.removeHandler(old)
    handler._timebot = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    # msal logs request details at DEBUG, alembic every plugin at INFO: keep both quieter than the app.
    for noisy in ("msal", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.WARNING))
