"""Session ids and other identifiers: kept whole, or replaced whole by a keyed digest. Never edited.

An id is the server's key for a session: rewriting part of it (a detector turning ``ms11-20261107-1915``
into ``ms11-[phone]``) made two sessions one. So an id is either kept exactly, when every piece of it is
known to be harmless (times, short counters, hex, and a short list of words bots put in ids, with nothing a
secret detector finds in them: a Twilio SID or a uuid1 is hex too), or replaced
as a whole by ``sid-`` and 32 hex digits of HMAC-SHA256 under the install's pseudonym key. A host name, a
user name or anything else we do not know inside an id is therefore never uploaded, and two different ids
never become one: kept ids stay distinct, digests of distinct ids differ (128 bits), and no kept id has the
digest shape.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from calendar import monthrange
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import groupby

from swgdb_bridge.sanitize.detectors import find_secrets

MAX_ID = 50
DIGEST_PREFIX = "sid-"
DIGEST_ID = re.compile(r"sid-[0-9a-f]{32}")
_ID_CHARS = re.compile(r"[A-Za-z0-9_-]{1,50}")
_PIECES = re.compile(r"[-_]")
_HEX = re.compile(r"[0-9a-f]{6,40}")
MAX_COUNTER = 4  # digits of a counter after a time ("_2", "_0000"), or of an id that is a counter alone
# Unix times of the bot's era, in seconds or milliseconds: from 2017 up to 2,000,000,000 (May 2033), so a
# 10-digit number starts with 1, and a North American phone number (area code 2-9) is never taken for one.
_EPOCH_SECONDS = (datetime(2017, 1, 1, tzinfo=UTC).timestamp(), 2_000_000_000)
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
    pieces = [piece for piece in _PIECES.split(text) if piece]
    runs = [(digits, list(run)) for digits, run in groupby(pieces, key=str.isdigit)]
    return all(_safe_digits(run) if digits else all(map(_safe_piece, run)) for digits, run in runs)


def _safe_piece(piece: str) -> bool:
    """A word bots put in ids, or a hex run id; either with nothing a detector finds in it (32 hex digits are a
    key or a uuid1 holding the host's MAC address, "AC" and 32 hex a Twilio SID). Digit runs are judged as
    times instead: a 14-digit stamp can pass a card's Luhn check, and a bot's id must not change with it."""
    return _known_piece(piece) and not find_secrets(piece)


def _safe_digits(run: list[str]) -> bool:
    """Digits between separators, as bots time-stamp their ids: a date with its clock (``20261107_1915``,
    ``20261001_200100``), a stamp (``20261001200100``) or Unix seconds or milliseconds of the bot's era, then
    at most one short counter (``_2``); or one short counter alone. Digits that name no time (a phone, card
    or id number however it is split, an IP address) make the id digested whole."""
    taken = _time_pieces(run)
    if taken == 0:
        return len(run) == 1 and len(run[0]) <= MAX_COUNTER
    return len(run) == taken or (len(run) == taken + 1 and len(run[-1]) <= MAX_COUNTER)


def _time_pieces(run: list[str]) -> int:
    """How many of ``run``'s first pieces make one time: a date in one piece (1) or three (3, ``2026-02-10``),
    with its clock if it follows (1 more piece, or 2-3 for ``20-00-00``); a stamp or Unix time (1); else 0."""
    first = run[0]
    if len(first) == 4 and [len(p) for p in run[1:3]] == [2, 2] and _is_date("".join(run[:3])):
        return 3 + _clock_pieces(run[3:6])  # 2026-02-10, then 20-00-00 or 20-00
    if len(first) == 8 and _is_date(first):
        clock = run[1] if len(run) > 1 else ""
        return 2 if len(clock) in (4, 6) and _is_clock(clock) else 1
    if len(first) == 14:
        return int(_is_date(first[:8]) and _is_clock(first[8:]))
    if len(first) in (10, 13):
        seconds = int(first) / (1000 if len(first) == 13 else 1)
        return int(_EPOCH_SECONDS[0] <= seconds <= _EPOCH_SECONDS[1])
    return 0


def _clock_pieces(run: list[str]) -> int:
    """How many of ``run``'s pieces make a clock written ``HH-MM-SS`` or ``HH-MM``: 3, 2 or 0."""
    for count in (3, 2):
        pieces = run[:count]
        if len(pieces) == count and all(len(p) == 2 for p in pieces) and _is_clock("".join(pieces)):
            return count
    return 0


def _is_date(digits: str) -> bool:
    """``yyyymmdd``, a real day of 2000-2099."""
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:])
    return 2000 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= monthrange(year, month)[1]


def _is_clock(digits: str) -> bool:
    """``HHMM`` or ``HHMMSS``."""
    hours, minutes, seconds = int(digits[:2]), int(digits[2:4]), int(digits[4:] or 0)
    return hours < 24 and minutes < 60 and seconds < 60


def _known_piece(piece: str) -> bool:
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
