"""The dual-character logs ``logs/dual_sessions/`` and ``logs/dual_mode_sessions/``.

``src/session_manager.py:DualCharacterSessionManager._save_session_logs`` writes ``shared_<id>.json``
(``SharedSessionData``: ``session_id``, ``start_time``, ``total_xp_gained``, ``total_credits_earned``,
``total_quests_completed``, ``total_combat_kills``, ``shared_activities``, positions, ``discord_messages``)
and ``<character>_<id>.json`` (``CharacterSession``: ``character_name``, ``window_title``, ``role``,
``current_planet``/``current_city``, ``xp_gained``, ``credits_earned``, ``quests_completed``,
``combat_kills``, ...). ``src/ms11/modes/dual_mode_support.py:DualModeSupport._save_session_logs`` writes
``dual_mode_<id>.json`` (``session_id``, ``dual_mode_type``, ``start_time`` — stamped at save, so it is the
*end* — and ``primary_session``/``secondary_session``). The id is ``dual_<unix time at start>``.

``json.dump`` meets a ``datetime`` and the bot crashes mid-file: these files are read as far as the complete
part goes (:mod:`._prefix`) and flagged truncated. A cut-off file may hold nothing but the id, so when the
content alone is ambiguous the folder name (``dual_sessions``/``dual_mode_sessions``) decides. Totals here
cover both characters or only what the manager heard of, so they rank below every single-character file.
"""

from __future__ import annotations

from pathlib import Path

from swgdb_bridge.model import ChatMessage, LocationVisit
from swgdb_bridge.sources._events import chat_channel
from swgdb_bridge.sources._fields import Fields
from swgdb_bridge.sources._part import Part, time_named_by
from swgdb_bridge.sources._sanity import MAX_TOTAL, MAX_XP

FORMAT = "dual_session"
FOLDERS = ("dual_sessions", "dual_mode_sessions")
_CONTENT_KEYS = {
    "dual_mode_type",
    "primary_session",
    "shared_activities",
    "total_combat_kills",
    "window_title",
}


def matches(doc: object, path: Path) -> bool:
    if not isinstance(doc, dict) or not isinstance(doc.get("session_id"), str):
        return False
    return not _CONTENT_KEYS.isdisjoint(doc) or path.parent.name in FOLDERS


def parse(f: Fields) -> list[Part]:
    sid = f.need_text("session_id")
    part = Part(f.path, FORMAT, ids=(sid,), id_time=time_named_by(sid))
    saved = f.time("start_time")
    if "dual_mode_type" in f.data or "primary_session" in f.data:
        part.end = saved  # DualModeSupport stamps datetime.now() at save time
        part.mode = f.text("dual_mode_type")
        character = f.child("primary_session")
        if character is not None:
            _character(part, character)
    else:
        part.start = saved
        if "character_name" in f.data:
            _character(part, f)
        _shared(part, f)
    for fact, value in (("start", part.start), ("end", part.end)):
        if value is not None:
            part.carry(fact)
    return [part]


def _character(part: Part, f: Fields) -> None:
    name = f.text("character_name")
    if name and name.strip():
        part.character = name.strip()
        part.carry("character")
    planet = f.text("current_planet")
    if planet:
        part.locations.append(LocationVisit(None, planet, f.text("current_city") or None))
    for key in ("xp_gained", "credits_earned", "quests_completed", "combat_kills"):
        value = f.integer(key, minimum=0, maximum=MAX_XP)
        if value:
            part.metrics[key] = value


def _shared(part: Part, f: Fields) -> None:
    for key in ("total_xp_gained", "total_credits_earned", "total_quests_completed", "total_combat_kills"):
        value = f.integer(key, minimum=0, maximum=MAX_TOTAL)
        if value:
            part.metrics[key] = value
    for message in f.items("discord_messages"):
        text = message.text("message") or message.text("content") or ""
        part.messages.append(
            ChatMessage(
                message.time("timestamp"), chat_channel(message.text("type")), message.text("sender"), text
            )
        )
    part.carry_present("messages")
