"""The bot's per-character session summary (``data/character_sessions/<char>/session_*.json``).

It names the character only by id, so ``character_name`` stays ``None`` and the id goes to
``extra["character_id"]``; start and end places become one visit, or two when the character moved.
"""

from __future__ import annotations

from datetime import datetime

from swgdb_bridge.model import LocationVisit, Session
from swgdb_bridge.sources._fields import Fields
from swgdb_bridge.sources._sanity import MAX_TOTAL, MAX_XP, declared_duration, session_id, session_span

FORMAT = "character_sessions"
_SIGNATURE = frozenset({"character_id", "credits_earned", "planet_start", "location_start", "activities"})


def matches(doc: dict[str, object]) -> bool:
    return not _SIGNATURE.isdisjoint(doc)


def parse(f: Fields) -> Session:
    start, end = session_span(f)
    declared_duration(f)
    notes = f.strings("activities")
    note = f.text("notes")
    session = Session(
        session_id=session_id(f),
        character_name=f.text("character_name"),
        start_time=start,
        end_time=end,
        source_format=FORMAT,
        source_path=f.path,
        xp_gained=f.integer("xp_gained", minimum=0, maximum=MAX_XP),
        credits_gained=f.integer("credits_earned", minimum=-MAX_TOTAL, maximum=MAX_TOTAL),
        locations=_visits(f, start, end),
        notes=[*notes, note] if note and note.strip() else notes,
        original_keys=list(f.data),
    )
    character_id = f.text("character_id")
    if character_id:
        session.extra["character_id"] = character_id
    return session


def _visits(f: Fields, start: datetime, end: datetime) -> list[LocationVisit]:
    first = _place(f, "start", start)
    last = _place(f, "end", end)
    if first is None or last is None or (first.planet, first.city) == (last.planet, last.city):
        only = first or last
        if only is None:
            return []
        only.timestamp, only.departure = start, end
        only.duration_minutes = (end - start).total_seconds() / 60
        return [only]
    return [first, last]


def _place(f: Fields, which: str, at: datetime) -> LocationVisit | None:
    planet = f.text(f"planet_{which}")
    if not planet:
        return None
    return LocationVisit(
        timestamp=at,
        planet=planet,
        city=f.text(f"location_{which}"),
        coordinates=f.coordinates(f"coordinates_{which}"),
    )
