"""Session ids and other identifiers: kept whole, or replaced whole by a keyed digest. Never edited.

An id is the server's key for a session: rewriting part of it (a detector turning ``ms11-20261107-1915``
into ``ms11-[phone]``) made two sessions one. So an id is either kept exactly, when every piece of it is
known to be harmless (digits, hex, and a short list of words bots put in ids), or replaced as a whole by
``sid-`` and 32 hex digits of HMAC-SHA256 under the install's pseudonym key. A host name, a user name or
anything else we do not know inside an id is therefore never uploaded, and two different ids never become
one: kept ids stay distinct, digests of distinct ids differ (128 bits), and no kept id has the digest shape.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable

MAX_ID = 50
DIGEST_PREFIX = "sid-"
DIGEST_ID = re.compile(r"sid-[0-9a-f]{32}")
_ID_CHARS = re.compile(r"[A-Za-z0-9_-]{1,50}")
_PIECES = re.compile(r"[-_]")
_HEX = re.compile(r"[0-9a-f]{6,40}")
MAX_DIGIT_RUN = 14  # yyyymmddHHMMSS; a longer run may be a phone number or a Discord/Steam id
# Words bots put in their ids: formats, modes and stages, never a person's or a machine's name.
SAFE_ID_WORDS = frozenset(
    {"session", "sessions", "ms11", "bot", "tracker", "jsonl", "json", "log", "logs", "loot", "farming", "rls",
     "xp", "data", "export", "combat", "dual", "quest", "quests", "crafting", "exploration", "social",
     "grind", "grinding", "char", "character", "run", "test", "demo", "sample", "space", "mode", "auto",
     "manual", "legacy", "credits", "mission", "missions", "heroic", "v1", "v2", "v3", "part", "id"}
)  # fmt: skip


def is_safe_id(text: str) -> bool:
    """Whether ``text`` may be uploaded as it is (see the module docstring)."""
    if not _ID_CHARS.fullmatch(text) or DIGEST_ID.fullmatch(text):
        return False
    return all(_safe_piece(piece) for piece in _PIECES.split(text) if piece)


def _safe_piece(piece: str) -> bool:
    if piece.isdigit():
        return len(piece) <= MAX_DIGIT_RUN
    lowered = piece.lower()
    if lowered in SAFE_ID_WORDS:
        return True
    return _HEX.fullmatch(lowered) is not None and any(c.isdigit() for c in lowered)


def keyed_id(key: bytes, text: str) -> str:
    """``text`` replaced whole: ``sid-`` + 32 hex digits of HMAC-SHA256(key, text)."""
    digest = hmac.new(key, b"session-id\x00" + text.encode("utf-8"), hashlib.sha256).hexdigest()
    return DIGEST_PREFIX + digest[:32]


def upload_id(key: bytes, text: str) -> str:
    """The id to upload for ``text``: itself when safe, else its keyed digest."""
    return text if is_safe_id(text) else keyed_id(key, text)


def is_upload_id(text: str) -> bool:
    """What the re-scan accepts: a safe id or a digest."""
    return is_safe_id(text) or DIGEST_ID.fullmatch(text) is not None


FILE_SUFFIXES = (".json", ".jsonl")


def upload_file_name(identify: Callable[[str], str], name: str) -> str:
    """A session file's name as uploaded: its stem judged like an id (kept whole or digested whole by
    ``identify``), its extension kept when it is one the bot writes; any other name is digested whole."""
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and f".{suffix.lower()}" in FILE_SUFFIXES:
        return identify(stem) + dot + suffix
    return identify(name)


def is_upload_file_name(text: str) -> bool:
    """What the re-scan accepts for a file name: an upload id, with one of the bot's extensions or none."""
    stem, dot, suffix = text.rpartition(".")
    if dot and f".{suffix.lower()}" in FILE_SUFFIXES:
        return is_upload_id(stem)
    return is_upload_id(text)
