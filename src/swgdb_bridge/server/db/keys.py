"""API keys that a copy of the database alone cannot reproduce.

Each key is ``swgdb_`` + base64url(HMAC-SHA256(server secret, key id)). The database keeps the random
key id and a verifier (SHA-256 of the key), never the key; the server secret lives outside the database
(``SWGDB_SERVER_SECRET`` or the ``server-secret`` file in the data folder). With the secret, the server
recomputes a user's keys to check signatures; without it, key ids are useless, and the verifier of a
256-bit random-looking key cannot be inverted. ``docs/keys.md`` has the full design.

An unknown user hash gets the same work as a known one (:data:`DECOY_KEY`: one derivation, one verifier
check, then a signature check that cannot succeed), so response times do not tell which users exist.

:class:`KeyCache` keeps each worker from asking the database for the same user's keys on every request; a
revoked or rotated-out key keeps working on *other* workers for at most :data:`KEY_CACHE_SECONDS`.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import secrets
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from swgdb_bridge import paths
from swgdb_bridge.errors import ConfigError, StateError

KEY_PREFIX = "swgdb_"
SECRET_ENV = "SWGDB_SERVER_SECRET"
SECRET_FILE = "server-secret"
MIN_SECRET_CHARS = 32
_KEY_CONTEXT = b"swgdb-bridge api key v1\x00"
KEY_CACHE_SECONDS = 5.0
"""How long a worker trusts the keys it read: a key revoked elsewhere works at most this long here."""
KEY_CACHE_USERS = 4096
"""Users whose keys one worker remembers; past that the oldest entry goes (memory stays bounded)."""


class StoredKey(NamedTuple):
    """What the database holds of one key."""

    key_id: str
    verifier: str


DECOY_KEY = StoredKey(secrets.token_hex(16), secrets.token_hex(32))
"""Stands in for an unknown user's key: a random id and a verifier no derived key can match."""


def new_user_hash() -> str:
    return secrets.token_hex(16)


def new_key_id() -> str:
    return secrets.token_hex(16)


def derive_api_key(server_secret: bytes, key_id: str) -> str:
    mac = hmac.new(server_secret, _KEY_CONTEXT + key_id.encode("ascii"), hashlib.sha256).digest()
    return KEY_PREFIX + base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def key_verifier(api_key: str) -> str:
    """What the database keeps to tell whether the secret in use is the one a key was issued under."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def verifier_matches(api_key: str, verifier: str) -> bool:
    return hmac.compare_digest(key_verifier(api_key).encode(), verifier.encode())


def load_server_secret() -> bytes:
    """The secret from ``SWGDB_SERVER_SECRET``, else from the data folder's file (created on first use).

    Every worker and host serving one database needs the same secret: set the variable on all of them
    (the file's content is a valid value). Too short a secret is refused, because the verifiers in the
    database would let anyone holding a copy test guesses offline.
    """
    value = os.environ.get(SECRET_ENV, "").strip()
    if value:
        if len(value) < MIN_SECRET_CHARS:
            raise ConfigError(
                f"{SECRET_ENV} is shorter than {MIN_SECRET_CHARS} characters: use a long random value, "
                f"e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`"
            )
        try:
            return value.encode("utf-8")
        except UnicodeEncodeError:  # bytes in the environment that were not UTF-8
            raise ConfigError(
                f"{SECRET_ENV} is not UTF-8 text: use a long random value in ASCII, e.g. "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`"
            ) from None
    return _secret_from_file(paths.ensure_dir(paths.data_dir()) / SECRET_FILE)


def _secret_from_file(path: Path) -> bytes:
    try:
        if not path.exists():
            _create_secret_file(path)
        value = paths.read_small_file(path, 4096).decode("utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:  # a folder or FIFO in its place, no permission, not text
        raise StateError(
            f"server secret file {path} cannot be read ({getattr(exc, 'strerror', None) or exc}): restore "
            f"it from a backup or set {SECRET_ENV}"
        ) from None
    if len(value) < MIN_SECRET_CHARS:
        raise ConfigError(
            f"server secret file {path} is empty or shorter than {MIN_SECRET_CHARS} characters: restore it "
            f"from a backup (keys issued under the lost secret stop working) or set {SECRET_ENV}"
        )
    return value.encode("utf-8")


def _create_secret_file(path: Path) -> None:
    """Write the secret to a private temp file, then link it into place: of racing workers, one wins."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process created it first: everyone uses that
            os.link(temp, path)
    finally:
        temp.unlink(missing_ok=True)


class KeyCache:
    """A user's working keys as one worker last read them, each entry trusted for ``ttl`` seconds.

    An entry's age counts from the database read and is never extended by use, so a key revoked on another
    worker stops working here at most ``ttl`` seconds later, however busy its user is. Unknown users are
    remembered too (as no keys), so whether a hash is cached says only that someone sent it lately, never
    whether it exists. Thread-safe; ``now`` is the caller's clock (seconds), injected by tests.
    """

    def __init__(self, ttl: float = KEY_CACHE_SECONDS, size: int = KEY_CACHE_USERS) -> None:
        self.ttl = ttl
        self.size = size
        self._entries: dict[str, tuple[float, tuple[str, ...]]] = {}
        self._lock = threading.Lock()

    def get(self, user_hash: str, now: float) -> tuple[str, ...] | None:
        """The cached keys (possibly none), or ``None`` when there is no fresh entry."""
        with self._lock:
            entry = self._entries.get(user_hash)
        if entry is None or not entry[0] <= now < entry[0] + self.ttl:  # a clock stepping back ends it too
            return None
        return entry[1]

    def put(self, user_hash: str, keys: Sequence[str], now: float) -> None:
        with self._lock:
            self._entries.pop(user_hash, None)
            if len(self._entries) >= self.size:
                del self._entries[next(iter(self._entries))]  # the oldest read
            self._entries[user_hash] = (now, tuple(keys))

    def forget(self, user_hash: str) -> None:
        """Drop one user's entry: this worker just changed their keys."""
        with self._lock:
            self._entries.pop(user_hash, None)
