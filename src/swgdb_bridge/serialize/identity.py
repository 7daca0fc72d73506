"""Who: the payload's ``character_name``, made to fit the schema.

The session id needs no fitting here: the sanitizer uploads it whole or replaces it whole by a keyed digest
(``sanitize.identifiers``), which always fits the schema's id pattern.
"""

from __future__ import annotations

from swgdb_bridge.model import Session

MAX_NAME = 50


def character_name(session: Session) -> str:
    """The session's character, else the bot's character id (an id, not a person's name), else "unknown"."""
    candidates = (session.character_name, session.extra.get("character_id"))
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()[:MAX_NAME]
    return "unknown"
