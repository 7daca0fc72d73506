"""Who and which: the payload's ``session_id`` and ``character_name``, made to fit the schema.

The session id is the server's idempotency key together with the digest, so it must be stable: the same
file always gets the same id, whatever the machine or the day.
"""

from __future__ import annotations

import hashlib
import re

from swgdb_bridge.model import Session

MAX_ID = 50
MAX_NAME = 50
_BAD_ID_CHARS = re.compile(r"[^a-zA-Z0-9_-]+")
_HASH_CHARS = 12


def fit_session_id(session: Session) -> str:
    """The input's own id fitted to ``^[a-zA-Z0-9_-]+$`` (≤ 50 chars), else one derived from the file.

    Runs of other characters become one ``_``. An id that is still too long keeps its first characters
    (readable) and ends with a hash of the whole original (unique), so two long ids never become one.
    """
    raw = session.session_id.strip() or _fallback_basis(session)
    cleaned = _BAD_ID_CHARS.sub("_", raw).strip("_") or f"session-{_short_hash(raw)}"
    if len(cleaned) <= MAX_ID:
        return cleaned
    head = cleaned[: MAX_ID - _HASH_CHARS - 1].rstrip("_-")
    return f"{head}-{_short_hash(raw)}"


def _fallback_basis(session: Session) -> str:
    """No id in the input: the file's name (stable across machines), else start time and character."""
    if session.source_path is not None:
        return session.source_path.stem
    basis = f"{session.start_time.isoformat()}|{session.character_name or ''}"
    return f"session-{_short_hash(basis)}"


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:_HASH_CHARS]


def character_name(session: Session) -> str:
    """The session's character, else the bot's character id (an id, not a person's name), else "unknown"."""
    candidates = (session.character_name, session.extra.get("character_id"))
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()[:MAX_NAME]
    return "unknown"
