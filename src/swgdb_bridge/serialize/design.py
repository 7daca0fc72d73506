"""The design's face of the serializer: ``serialize_session(dict) -> dict``, shaped from the upload payload.

The original design turned a session dict into a dict of twelve sections. Here the dict goes down the
upload's own path: it is read like a file (``sources.parse_document``), sanitized and serialized into the
:class:`~swgdb_bridge.payload.SessionPayload` an upload would send, and only then shaped for the design's
readers. Two things are shaped, everything else is the payload's, key for key and value for value:

* a message the sanitizer removed (the payload leaves it out) reads ``[SENSITIVE_MESSAGE_REMOVED]``;
* ``location_data.travel_time_minutes`` is the design's figure, the minutes of all visits (the sum of the
  payload's ``location_events``); the payload's own figure, time in transit, is ``transit_time_minutes``.

The design leaves *which* events go out to its caller (``SessionUploader.sanitize_session_data`` drops what
the config excludes) and has its serializer only strip names, so encounters handed in are kept here, the
player's name replaced by the sanitizer's pseudonym and ``_player_name_removed`` set. Bad input gives the
design's error session (``metadata.serialization_error``), never an exception.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import orjson

from swgdb_bridge.errors import BridgeError
from swgdb_bridge.serialize.units import RATE_DIGITS, utc
from swgdb_bridge.sources import parse_document

if TYPE_CHECKING:
    from swgdb_bridge.serialize.serializer import SessionLogSerializer

MESSAGE_REMOVED = "[SENSITIVE_MESSAGE_REMOVED]"
DATA_SECTIONS = ("xp_data", "credit_data", "quest_data", "location_data", "event_data", "performance_metrics")


def serialize_session(serializer: SessionLogSerializer, session: object) -> dict[str, Any]:
    """The design's dict of ``session``, or its error session; see the module docstring."""
    face = design_serializer(serializer)
    try:
        document = orjson.loads(orjson.dumps(session))  # what a file holding this dict would read as
        payload = face.serialize(parse_document(document, _label(session)))
    except (BridgeError, orjson.JSONEncodeError) as exc:
        return error_session(face, session, exc)
    return design_document(payload.to_document())


def design_serializer(serializer: SessionLogSerializer) -> SessionLogSerializer:
    """``serializer`` itself if it keeps encounters, else a twin that does (same key, options and clock)."""
    if (
        serializer.sanitizer.options.include_player_encounters
        and serializer.options.include_player_encounters
    ):
        return serializer
    twin = getattr(serializer, "_design_twin", None)
    if twin is None:
        sanitizer = copy.copy(serializer.sanitizer)  # shares the pseudonym key and detectors
        sanitizer.options = replace(sanitizer.options, include_player_encounters=True)
        options = replace(serializer.options, include_player_encounters=True)
        twin = type(serializer)(options, sanitizer, clock=serializer.clock)
        serializer._design_twin = twin  # type: ignore[attr-defined]
    return twin


def design_document(document: dict[str, Any]) -> dict[str, Any]:
    """A payload document shaped for the design's readers (the two changes of the module docstring)."""
    events = document["event_data"]
    locations = document["location_data"]
    visit_minutes = sum(event.get("duration_minutes", 0.0) for event in locations["location_events"])
    return {
        **document,
        "location_data": {
            **locations,
            "travel_time_minutes": round(visit_minutes, RATE_DIGITS),
            "transit_time_minutes": locations["travel_time_minutes"],
        },
        "event_data": {
            **events,
            "communication_events": [_marked(e) for e in events["communication_events"]],
            "guild_alerts": [_marked(e) for e in events["guild_alerts"]],
        },
    }


def _marked(event: dict[str, Any]) -> dict[str, Any]:
    return event if "message" in event else {**event, "message": MESSAGE_REMOVED}


def error_session(serializer: SessionLogSerializer, session: object, error: Exception) -> dict[str, Any]:
    """The design's error session: the twelve keys, empty sections, and metadata naming the error.

    The session id, keys and message come from the caller's input, so they are cleaned like any text.
    """
    clean = serializer.sanitizer.clean_text
    raw_id = session.get("session_id") if isinstance(session, dict) else None
    now = utc(serializer.clock()).isoformat()  # type: ignore[union-attr]
    return {
        "session_id": clean(str(raw_id)) if raw_id else "unknown",
        "character_name": "Unknown",
        "start_time": now,
        "end_time": now,
        "duration_minutes": 0.0,
        **{section: {} for section in DATA_SECTIONS},
        "metadata": {
            "serialization_timestamp": now,
            "serializer_version": serializer.version,
            "data_source": "ms11_bot",
            "sanitization_applied": serializer.options.sanitize_data,
            "original_session_keys": [clean(str(k)) for k in session] if isinstance(session, dict) else [],
            "serialization_error": True,
            "error_message": clean(str(error)),
        },
    }


def _label(session: object) -> str:
    """How errors name an in-memory session: by its id when it has one."""
    raw_id = session.get("session_id") if isinstance(session, dict) else None
    return f"session {str(raw_id)[:60]!r}" if raw_id else "session dict"
