"""Space quest sessions ``data/space_quests/session_<id>.json`` (``SpaceQuestSupport.save_session_data``).

``session``: ``session_id`` (``space_session_<unix time>``), ``start_time`` (Unix seconds),
``current_location`` (a starport or orbit, not a planet), ``active_mission``/``active_pilot``/
``current_ship`` and ``session_stats`` (``missions_completed``, ``credits_earned``, ``experience_gained``,
...); ``integration_stats`` describes the bot's space data, not the session. There is no end. We take the
start, the space location (kept apart from planets) and the space counters as metrics: they are space-mode
figures that the ground files do not count, so they never replace the session's XP or credits.
"""

from __future__ import annotations

from swgdb_bridge.sources._fields import Fields
from swgdb_bridge.sources._part import Part, time_named_by
from swgdb_bridge.sources._sanity import MAX_TOTAL

FORMAT = "space_quest"


def matches(doc: object) -> bool:
    if not isinstance(doc, dict) or not isinstance(doc.get("session"), dict):
        return False
    return "session_stats" in doc["session"] or "integration_stats" in doc


def parse(f: Fields) -> list[Part]:
    session = f.need_child("session")
    sid = session.need_text("session_id")
    start = session.time("start_time")  # Unix seconds: true UTC, not the machine's local clock
    part = Part(f.path, FORMAT, ids=(sid,), id_time=time_named_by(sid), start=start, unix_clock=True)
    if part.start is not None:
        part.carry("start")
    location = session.text("current_location")
    if location:
        part.extra["space_location"] = location
    stats = session.child("session_stats")
    if stats is not None:
        for key in stats.data:
            value = stats.integer(key, minimum=0, maximum=MAX_TOTAL)
            if value is not None:
                part.metrics[f"space_{key}"] = value
    return [part]
