"""Planting a private value in every text field of a session and reading the payload that would leave."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from swgdb_bridge.model import ChatMessage, LocationVisit, QuestCompletion, Session, StuckEvent, XPGain
from swgdb_bridge.sanitize import Sanitizer
from swgdb_bridge.sanitize.names import PSEUDONYM
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.serialize import SessionLogSerializer

KEY = bytes(range(32))
T0 = datetime(2026, 11, 7, 19, 15, tzinfo=UTC)


def payload_with(text: str, *, sanitize_data: bool = True) -> str:
    """The serialized payload (lower case) of a session with ``text`` as its quest, city, zone, stuck place
    and a group line, shared chat let through. With ``sanitize_data=False`` names stay, so only the secret
    and PII detectors stand between a planted value and the upload.

    Without its content digest and serialization time, and with pseudonyms as one word: their hex digits and
    microseconds are ours and hold a planted number ("1987") by chance now and then."""
    options = SanitizeOptions(include_communications=True, sanitize_data=sanitize_data)
    t = lambda minutes: T0 + timedelta(minutes=minutes)  # noqa: E731
    session = Session("ms11-20261107-1915", "Dex Orrin", T0, t(120), "jsonl")
    session.quests = [QuestCompletion(t(10), text, "combat", "xp", 100, "naboo")]
    session.locations = [LocationVisit(t(0), "Naboo", text, (1.0, 2.0), t(30), 30.0, "hunting")]
    session.xp_gains = [XPGain(t(11), 100, "marksman", "combat_marksman_novice", "quest", text, text)]
    session.stuck_events = [StuckEvent(t(60), text, "stuck", 30.0)]
    session.messages = [ChatMessage(t(5), "group_chat", "Kessa Drevin", text)]
    payload = SessionLogSerializer(options, Sanitizer(options, KEY)).serialize(session)
    document = json.loads(payload.to_json_bytes())
    del document["metadata"]["content_digest"], document["metadata"]["serialization_timestamp"]
    return PSEUDONYM.sub("player", json.dumps(document, ensure_ascii=False)).lower()
