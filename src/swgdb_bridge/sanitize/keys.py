"""The install's pseudonym key, and keyed pseudonyms made with it.

A pseudonym is HMAC-SHA256(key, name): stable for the same name on this install (so dashboards can count
"the same player again"), unlinkable without the key (an unkeyed hash of a player name is reversed by
hashing a list of names). The key is 32 random bytes made once and kept owner-only in the data folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from swgdb_bridge import paths
from swgdb_bridge.errors import StateError
from swgdb_bridge.sanitize.identifiers import upload_id
from swgdb_bridge.sanitize.names import PSEUDONYM_PREFIX, is_pseudonym, key

KEY_FILE = "pseudonym.key"
KEY_BYTES = 32
DIGEST_CHARS = 12  # 48 bits: no collision expected below millions of names


def key_path() -> Path:
    return paths.data_dir() / KEY_FILE


def load_pseudonym_key(path: Path | None = None) -> bytes:
    """The install's key, made on first use (mode 0600). Two processes racing to make it get the same key."""
    path = path or key_path()
    if not path.exists():
        try:
            _create_key(path)
        except StateError as exc:  # its folder cannot be made: that error says what to do
            raise StateError(f"cannot create the pseudonym key {path}: {exc}") from None
        except OSError as exc:
            raise StateError(
                f"cannot create the pseudonym key {path}: {exc.strerror or exc}; make that folder writable "
                f"or point {paths.HOME_ENV} at one that is"
            ) from None
    try:
        key = bytes.fromhex(paths.read_small_file(path, 4 * KEY_BYTES).decode("ascii").strip())
    except (OSError, UnicodeDecodeError, ValueError):  # a FIFO or device in its place too: never read
        key = b""
    if len(key) != KEY_BYTES:
        raise StateError(
            f"pseudonym key {path} is unreadable or not {KEY_BYTES} hex-encoded bytes; "
            "delete it to make a new one (pseudonyms of players will change)"
        )
    if os.name == "posix" and path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)
    return key


def _create_key(path: Path) -> None:
    paths.ensure_dir(path.parent)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_bytes(KEY_BYTES).hex() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temp, path)  # atomic and refuses to replace: the first writer's key wins
    finally:
        temp.unlink(missing_ok=True)


class Pseudonymizer:
    """Names → "Player-<12 hex>" under one key; a name that already is a pseudonym is returned as is.

    Names are compared normalized, without accents and case: "Zórvath", "ZORVATH" and "Zorvath" are one.
    """

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("a pseudonym key needs at least 16 bytes")
        self._key = key
        self._cache: dict[str, str] = {}

    def identifier(self, text: str) -> str:
        """An id to upload for ``text``: itself when harmless, else a keyed digest of all of it."""
        return upload_id(self._key, text)

    def __call__(self, name: str) -> str:
        cached = self._cache.get(name)
        if cached is None:
            cached = self._cache[name] = self._make(name)
        return cached

    def _make(self, name: str) -> str:
        if is_pseudonym(name):
            return name
        message = key(name).encode("utf-8")
        digest = hmac.new(self._key, message, hashlib.sha256).hexdigest()
        return PSEUDONYM_PREFIX + digest[:DIGEST_CHARS]
