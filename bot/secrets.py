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

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
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


NONCE_BYTES = 12


class Sealer:
    """AES-GCM with a purpose-bound key per root secret; the associated data binds a ciphertext to its owner.

    `seal` always uses the newest key; `open` tries the key the blob names first, then the others, and says
    whether the blob should be re-encrypted (it was sealed with an older key).
    """

    def __init__(self, roots: list[bytes], purpose: str) -> None:
        if not roots:
            raise ValueError(f"at least one secret is needed to encrypt {purpose}")
        self._keys = [derive(root, purpose) for root in roots]
        self._by_id = {key_id(k): k for k in self._keys}

    def seal(self, plaintext: bytes, aad: bytes) -> tuple[bytes, str]:
        key = self._keys[0]
        nonce = os.urandom(NONCE_BYTES)
        return nonce + AESGCM(key).encrypt(nonce, plaintext, aad), key_id(key)

    def open(self, blob: bytes, kid: str, aad: bytes) -> tuple[bytes, bool] | None:
        """(plaintext, sealed with an old key) or None: tampered, someone else's, or an unknown key."""
        first = self._by_id.get(kid)
        ordered = [first, *(k for k in self._keys if k is not first)] if first else self._keys
        for key in ordered:
            if key is None:
                continue
            try:
                plaintext = AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
            except InvalidTag:
                continue
            return plaintext, key is not self._keys[0]
        return None
