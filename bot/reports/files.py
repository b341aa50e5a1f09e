"""Where finished reports wait to be fetched: signed, short-lived, single-use, bound to one user.

A report is written to `<data dir>/reports/<name>.part.xlsx`, then *published*: renamed to `<token>.xlsx`
next to a `<token>.json` sidecar holding its owner (the Teams user who asked), display name, size and
expiry. It leaves the store exactly once, by one of two ways:

- a download link `{public url}/files/{token}?u={owner}&e={expires}&sig={hmac}` (group chats, channels).
  The HMAC-SHA256 signature covers token, owner and expiry, so none of them can be changed; an expired link is
  refused even though its signature is fine; the first complete download deletes the file.
- the Teams file consent flow (personal chat): the consent card carries the token; accepting uploads the file
  to the URL Teams gives and deletes it, declining deletes it.

Taking a file out is an atomic rename (`claim`), so two concurrent downloads cannot both get it. Expired files
are swept whenever a new one is published. Tokens are checked against a strict pattern before they touch the
file system.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bot.secrets import root_secrets

_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
_LINK_PURPOSE = b"timebot/report-download-link/v1"
DEFAULT_LINK_SECONDS = 15 * 60
DEFAULT_CONSENT_SECONDS = 60 * 60
_STALE_PART_SECONDS = 24 * 60 * 60


class LinkRefused(Exception):
    """A download (or consent) request that must not be served; `status` is the HTTP answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class StoredFile:
    token: str
    owner: str
    filename: str
    size: int
    expires: int  # unix seconds


@dataclass(frozen=True, slots=True)
class ClaimedFile:
    """A file taken out of the store: serve or upload `path`, then `FileStore.release` it."""

    stored: StoredFile
    path: Path


class FileStore:
    def __init__(
        self,
        directory: Path,
        key: bytes,
        public_url: str,
        *,
        link_seconds: int = DEFAULT_LINK_SECONDS,
        consent_seconds: int = DEFAULT_CONSENT_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not key:
            raise ValueError("the file store needs a signing key")
        self.directory = directory
        self.public_url = public_url.rstrip("/")
        self.link_seconds = link_seconds
        self.consent_seconds = consent_seconds
        self._key = hmac.new(key, _LINK_PURPOSE, hashlib.sha256).digest()  # own sub-key for links
        self._clock = clock
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)

    @classmethod
    def temporary(cls, public_url: str = "http://127.0.0.1:3978") -> FileStore:
        """A store in a fresh temporary directory with a random key (tests, or a bot without a data dir)."""
        return cls(Path(tempfile.mkdtemp(prefix="timebot-reports-")), secrets.token_bytes(32), public_url)

    # ---- writing and publishing ----------------------------------------------------------------------------

    def new_path(self) -> Path:
        """A fresh path inside the store to write a report to (then `publish` or unlink it)."""
        return self.directory / f"{secrets.token_urlsafe(24)}.part.xlsx"

    def publish(self, path: Path, *, owner: str, filename: str, seconds: int | None = None) -> StoredFile:
        self.sweep()
        token = secrets.token_urlsafe(24)
        expires = int(self._clock()) + (self.link_seconds if seconds is None else seconds)
        stored = StoredFile(token, owner, filename, path.stat().st_size, expires)
        meta = self._meta(token)
        tmp = meta.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(asdict(stored)))
        os.replace(path, self._data(token))
        os.replace(tmp, meta)
        return stored

    # ---- links ---------------------------------------------------------------------------------------------

    def signature(self, token: str, owner: str, expires: int) -> str:
        message = f"{token}\n{owner}\n{expires}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def link(self, stored: StoredFile) -> str:
        sig = self.signature(stored.token, stored.owner, stored.expires)
        query = urlencode({"u": stored.owner, "e": stored.expires, "sig": sig})
        return f"{self.public_url}/files/{stored.token}?{query}"

    def verify(self, token: str, owner: str, expires: str, sig: str) -> None:
        """Raise `LinkRefused` unless the link is intact (403) and unexpired (410)."""
        if not _TOKEN.fullmatch(token) or not expires.isdigit() or not owner:
            raise LinkRefused(403, "malformed link")
        expected = self.signature(token, owner, int(expires))
        if not hmac.compare_digest(expected, sig):
            raise LinkRefused(403, "bad signature")
        if int(expires) <= self._clock():
            self.discard(token)
            raise LinkRefused(410, "link expired")

    # ---- taking a file out ---------------------------------------------------------------------------------

    def lookup(self, token: str) -> StoredFile | None:
        if not _TOKEN.fullmatch(token):
            return None
        try:
            data = json.loads(self._meta(token).read_text())
            return StoredFile(**data)
        except (OSError, ValueError, TypeError):
            return None

    def claim(self, token: str, *, owner: str) -> ClaimedFile:
        """Take the file out of the store for `owner` (atomically: one claim wins). Raises `LinkRefused`."""
        stored = self.lookup(token)
        if stored is None:
            raise LinkRefused(404, "no such file (already downloaded or expired)")
        if not hmac.compare_digest(stored.owner, owner):
            raise LinkRefused(403, "the file belongs to someone else")
        if stored.expires <= self._clock():
            self.discard(token)
            raise LinkRefused(410, "expired")
        claimed = self.directory / f"{token}.claimed-{secrets.token_hex(4)}"
        try:
            os.rename(self._data(token), claimed)
        except FileNotFoundError:
            raise LinkRefused(404, "no such file (already downloaded)") from None
        return ClaimedFile(stored, claimed)

    def release(self, claimed: ClaimedFile, *, delivered: bool) -> None:
        """Delivered: delete the file for good. Not delivered (the download broke off): put it back."""
        token = claimed.stored.token
        if delivered or claimed.stored.expires <= self._clock():
            claimed.path.unlink(missing_ok=True)
            self._meta(token).unlink(missing_ok=True)
            return
        with contextlib.suppress(OSError):
            os.rename(claimed.path, self._data(token))

    def discard(self, token: str) -> None:
        if _TOKEN.fullmatch(token):
            self._data(token).unlink(missing_ok=True)
            self._meta(token).unlink(missing_ok=True)

    def sweep(self) -> int:
        """Delete expired files and leftovers of crashed writes; returns how many files went."""
        now = self._clock()
        removed = 0
        for path in self.directory.iterdir():
            try:
                if path.suffix == ".json":
                    stored = self.lookup(path.stem)
                    if stored is None or stored.expires <= now:
                        self.discard(path.stem)
                        path.unlink(missing_ok=True)
                        removed += 1
                elif (
                    path.suffix == ".tmp" or ".part." in path.name or ".claimed-" in path.name
                ) and path.stat().st_mtime + _STALE_PART_SECONDS <= time.time():
                    path.unlink(missing_ok=True)
                    removed += 1
            except OSError:
                continue
        return removed

    def _data(self, token: str) -> Path:
        return self.directory / f"{token}.xlsx"

    def _meta(self, token: str) -> Path:
        return self.directory / f"{token}.json"


@functools.cache
def shared_temporary_store() -> FileStore:
    """One temporary store per process, for services built without settings (tests, scripts)."""
    return FileStore.temporary()


def file_store_from_settings(settings: Any) -> FileStore:
    """The store in `<data dir>/reports`, signing with TIMEBOT_SECRET_KEY (or the generated data-dir key)."""
    key = root_secrets(settings.secret_key.get_secret_value(), settings.data_dir)[0]
    return FileStore(
        settings.data_dir / "reports",
        key,
        settings.effective_public_url,
        link_seconds=settings.report_link_minutes * 60,
    )
