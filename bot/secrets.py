"""The bot's root secret and the purpose-bound keys derived from it.

One secret (`TIMEBOT_SECRET_KEY`, or one generated once into `<data dir>/secret.key` with mode 0600) is
stretched with HKDF into a separate key per purpose, so the key that signs download links can never
decrypt a stored API token. Rotation: `TIMEBOT_SECRET_KEY="new,old"` encrypts with the first and still
decrypts with the others.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_FILE = "secret.key"


def root_secrets(configured: str, data_dir: Path) -> list[bytes]:
    """The configured secrets (comma-separated, newest first), or one generated and kept in the data dir."""
    given = [part.strip().encode() for part in configured.split(",") if part.strip()]
    if given:
        return given
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text().strip()
        if len(key) < 32:
            raise ValueError(f"{path} holds no usable key; delete it to have a new one generated") from None
        return [key.encode()]
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as out:
        out.write(key + "\n")
    return [key.encode()]


def derive(root: bytes, purpose: str, length: int = 32) -> bytes:
    """A key for one purpose (`"connections"`, `"download-links"`) from a root secret."""
    return HKDF(
        algorithm=hashes.SHA256(), length=length, salt=None, info=f"timebot {purpose}".encode()
    ).derive(root)


def key_id(key: bytes) -> str:
    """A short public fingerprint, stored beside ciphertext so the right key is tried first."""
    return hashlib.sha256(key).hexdigest()[:12]
