"""The combat log ``logs/combat/combat_stats_<id>.json`` (``modules/combat_metrics/combat_logger.py``).

A ``CombatSession`` as a dict: ``session_id`` (default ``combat_session_<unix time at start>``),
``start_time``, ``end_time`` (absent while the session is still active), ``events`` (``event_type`` of
``session_start``, ``ability_use``, ``enemy_killed``, ``death``, ... with ``enemy_type``/``target``,
``damage_dealt``, ``xp_gained``), and totals ``total_damage_dealt``, ``total_xp_gained``, ``kills``,
``deaths``, ``targets_engaged``, ``abilities_used``. We take the window and the kills per creature (one
``enemy_killed`` event each). ``total_xp_gained`` is combat XP only, a part of the session's XP, so it is
kept as a metric and never taken for the session total.
"""

from __future__ import annotations

from swgdb_bridge.sources._fields import Fields
from swgdb_bridge.sources._part import Part, names_unix_time, time_named_by
from swgdb_bridge.sources._sanity import MAX_TOTAL, MAX_XP, check_span

FORMAT = "combat_log"
_COUNTS = ("total_damage_dealt", "total_xp_gained", "kills", "deaths")


def matches(doc: object) -> bool:
    """Events and a total, or events and the logger's own id: the totals come after the events, so a file
    cut off in its events is known by the id the logger gives every session."""
    if not isinstance(doc, dict) or not isinstance(doc.get("events"), list):
        return False
    totals = "total_damage_dealt" in doc or "abilities_used" in doc or "targets_engaged" in doc
    return totals or str(doc.get("session_id", "")).startswith("combat_session_")


def parse(f: Fields) -> list[Part]:
    sid = f.need_text("session_id")
    part = Part(f.path, FORMAT, ids=(sid,), id_time=time_named_by(sid), start=f.need_time("start_time"))
    part.end = f.time("end_time")
    part.carry("start")
    if part.id_time is not None and part.start is not None and names_unix_time(sid):
        part.clock_offset = part.start - part.id_time  # the logger stamps both at start: local and Unix
    last = part.start
    for event in f.items("events"):
        when = event.time("timestamp")
        last = max(last, when) if when is not None and last is not None else last
        if event.text("event_type") == "enemy_killed":
            creature = (event.text("enemy_type") or event.text("target") or "unknown").strip() or "unknown"
            part.kills[creature] = part.kills.get(creature, 0) + 1
    if part.end is None:
        part.end = last  # still active when saved: as far as its events go
        part.warnings.append(f"{f.path.name}: combat session has no end_time (still active when saved)")
    if part.start is not None and part.end is not None:
        check_span(f, "end_time", part.start, part.end, longest=None)
        part.carry("end")
    for key in _COUNTS:
        value = f.integer(key, minimum=0, maximum=MAX_TOTAL if key == "total_damage_dealt" else MAX_XP)
        if value is not None:
            part.metrics[key] = value
    _check_kills(f, part)
    return [part]


def _check_kills(f: Fields, part: Part) -> None:
    declared = part.metrics.get("kills")
    counted = sum(part.kills.values())
    if declared is not None and declared > counted:
        part.kills["unknown"] = part.kills.get("unknown", 0) + int(declared - counted)
        part.warnings.append(
            f"{f.path.name}: kills {int(declared)} but {counted} kill events; rest as 'unknown'"
        )
    if part.kills or declared == 0:
        part.carry("kills")
