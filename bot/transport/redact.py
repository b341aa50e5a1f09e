"""Keep bearer tokens and JWTs out of logs, whatever logs them (ours, aiohttp's, botbuilder's, msal's)."""

from __future__ import annotations

import logging
import re

_SECRETS = re.compile(
    r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"  # Authorization header values
    r"|eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"  # bare JWTs
    r"|((?:client_secret|password|access_token|refresh_token)[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+"
)


def redact(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        prefix = match.group(1) or match.group(2) or ""
        return f"{prefix}<redacted>"

    return _SECRETS.sub(repl, text)


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
