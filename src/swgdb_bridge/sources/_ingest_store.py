"""The server's ingest store ``data/character_sessions/sessions.json`` (``SessionIngestHandler._save_sessions``).

Written by the origin's own API server (``swgdb_api/private/routes/session_ingest.py``) when the bot posts a
session: ``{"user_<discord id>": {"discord_id", "created_at", "last_updated", "sessions": [...], "stats"}}``.
Each session: ``session_id``, ``timestamp`` (the start; the server's clock when the bot sent none),
``duration_minutes``, ``xp_gained``, ``credits_earned``, ``location`` (``"Planet - City"``),
``activity_type``, ``notes`` and ``ingested_at``. One part per session. An entry of over 1,440 minutes (the bot's
own server refuses those, an older or other server may not) is a part like any other: it joins its run, which
the assembly refuses whole with its reason, and the store's other sessions stay. Never taken: the Discord id (in the
keys too) and ``notes`` (free text the user typed or the bot copied from chat).
"""

from __future__ import annotations

from datetime import timedelta

from swgdb_bridge.model import LocationVisit
from swgdb_bridge.sources._fields import Fields
from swgdb_bridge.sources._part import Part, planet_name, time_named_by
from swgdb_bridge.sources._sanity import MAX_PART_SPAN, MAX_TOTAL, MAX_XP, declared_duration

FORMAT = "ingest_store"


def matches(doc: object) -> bool:
    if not isinstance(doc, dict) or not doc:
        return False
    return all(isinstance(v, dict) and isinstance(v.get("sessions"), list) for v in list(doc.values())[:20])


def parse(f: Fields) -> list[Part]:
    parts: list[Part] = []
    for index, key in enumerate(f.data):
        user = f.need_child(key)
        user.prefix = f"users[{index}]."  # never echo the key: it holds the Discord id
        parts.extend(_part(f, entry) for entry in user.items("sessions"))
    return parts


def _part(f: Fields, entry: Fields) -> Part:
    sid = entry.need_text("session_id")
    part = Part(f.path, FORMAT, ids=(sid,), id_time=time_named_by(sid))
    start, ingested = entry.time("timestamp"), entry.time("ingested_at")
    minutes = declared_duration(entry, longest=MAX_PART_SPAN)  # over 24 h: the assembly refuses the run
    if start is not None and (ingested is None or abs((ingested - start).total_seconds()) > 5):
        part.start = start
        part.carry("start")
        if minutes:
            part.end = start + timedelta(minutes=minutes)
            part.carry("end")
    xp = entry.integer("xp_gained", minimum=0, maximum=MAX_XP)
    credits = entry.integer("credits_earned", minimum=-MAX_TOTAL, maximum=MAX_TOTAL)
    if xp:
        part.xp_total = xp
        part.carry("xp_total")
    if credits:
        part.credits_total = credits
        part.carry("credits_total")
    _place(part, entry.text("location"))
    activity = entry.text("activity_type")
    if activity:
        part.mode = activity
    return part


def _place(part: Part, location: str | None) -> None:
    if not location:
        return
    planet_text, _, city = location.partition(" - ")
    planet = planet_name(planet_text)
    if planet:
        part.locations.append(LocationVisit(part.start, planet, city.strip() or None))
        part.carry("places")
