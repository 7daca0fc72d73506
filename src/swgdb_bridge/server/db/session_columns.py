"""The dashboard's columns, read from a stored payload document (layout: :mod:`swgdb_bridge.payload`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson


def session_columns(document: dict[str, Any]) -> dict[str, Any]:
    """The denormalized, indexed values of one validated payload document.

    The API validates every payload with :class:`~swgdb_bridge.payload.SessionPayload` before it gets
    here, so a missing field is a caller bug; it is reported by name rather than as a bare ``KeyError``.
    """
    try:
        xp, credits = document["xp_data"], document["credit_data"]
        return {
            "character_name": document["character_name"],
            "start_time": datetime.fromisoformat(document["start_time"]),
            "end_time": datetime.fromisoformat(document["end_time"]),
            "duration_minutes": float(document["duration_minutes"]),
            "total_xp": int(xp["total_xp_gained"]),
            "xp_per_hour": float(xp["xp_per_hour"]),
            "total_credits": int(credits["total_credits_gained"]),
            "credits_per_hour": float(credits["credits_per_hour"]),
            "quests_completed": int(document["quest_data"]["total_quests_completed"]),
            "session_mode": document["metadata"].get("session_mode"),
            "planets": ",".join(document["location_data"]["unique_planets"]),
            "efficiency_score": float(document["performance_metrics"]["efficiency_score"]),
        }
    except KeyError as missing:
        raise ValueError(
            f"session {document.get('session_id')!r}: payload document lacks field {missing.args[0]!r}; "
            "validate it with SessionPayload before storing"
        ) from None


def without_nul(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every NUL character (in keys and strings) replaced by U+FFFD.

    PostgreSQL cannot store NUL in text or JSONB, and the payload model allows it; storing U+FFFD in its
    place on every engine keeps the two engines alike and an odd byte from a log parser from failing an
    upload. The digest is the caller's, computed on the document as sent. orjson escapes NUL as
    ``\\u0000``, so one scan of the bytes clears almost every document without a walk.
    """
    if b"\\u0000" not in orjson.dumps(document):
        return document
    return _replace_nul(document)


def _replace_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_replace_nul(key): _replace_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_nul(item) for item in value]
    return value
