"""``location_data``: where the session went, for how long, and where XP came fastest.

A visit lasts its stated duration, else arrival → departure, else arrival → next arrival (or session end).
Travel time is the time of visits whose purpose is travel plus the gaps between leaving one place and
arriving at the next. ``zone_efficiency`` is XP per minute per zone: minutes from the visits to that zone
(planet or city, any case) when the log has them, else from the XP records themselves (the time from one
gain to the next is credited to the zone of the first).
"""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from typing import Any

from swgdb_bridge.model import LocationVisit, Session, XPGain
from swgdb_bridge.serialize.classify import PURPOSES
from swgdb_bridge.serialize.units import RATE_DIGITS, Lazy, minutes_between, utc


def location_data(session: Session, *, include_locations: bool) -> dict[str, Any]:
    visits = session.locations
    minutes = visit_minutes(visits, session.end_time)
    purposes = [PURPOSES(v.purpose) for v in visits]
    summary = {
        "total_locations_visited": len(visits),
        "travel_time_minutes": round(travel_minutes(visits, minutes, purposes), RATE_DIGITS),
    }
    if not include_locations:
        return {
            **summary,
            "unique_planets": [],
            "unique_cities": [],
            "location_events": [],
            "zone_efficiency": {},
            "time_per_planet_minutes": {},
        }
    per_place = _minutes_per_place(visits, minutes)
    return {
        **summary,
        "unique_planets": _unique(v.planet for v in visits),
        "unique_cities": _unique(v.city for v in visits),
        "location_events": Lazy(list(zip(visits, minutes, purposes, strict=True)), lambda row: _event(*row)),
        "zone_efficiency": zone_efficiency(session.xp_gains, per_place),
        "time_per_planet_minutes": _rounded(_minutes_per(visits, minutes, by_city=False)),
    }


def visit_minutes(visits: list[LocationVisit], session_end: datetime) -> list[float]:
    """How long each visit lasted (see the module docstring for the fallbacks)."""
    result = []
    for index, visit in enumerate(visits):
        if visit.duration_minutes is not None:
            result.append(max(0.0, visit.duration_minutes))
            continue
        until = visit.departure
        if until is None:
            until = visits[index + 1].timestamp if index + 1 < len(visits) else session_end
        result.append(minutes_between(visit.timestamp, until) or 0.0)
    return result


def travel_minutes(visits: list[LocationVisit], minutes: list[float], purposes: list[str]) -> float:
    total = sum(m for m, purpose in zip(minutes, purposes, strict=True) if purpose == "travel")
    for before, after in pairwise(visits):
        total += minutes_between(before.departure, after.timestamp) or 0.0
    return total


def zone_efficiency(gains: list[XPGain], minutes_per_place: dict[str, float]) -> dict[str, float]:
    """XP per minute for each zone XP was gained in and some time is known for."""
    xp_per_zone: dict[str, int] = {}
    for gain in gains:
        if gain.zone:
            xp_per_zone[gain.zone] = xp_per_zone.get(gain.zone, 0) + gain.amount
    if not xp_per_zone:
        return {}
    zone_minutes = {z: minutes_per_place.get(z.lower(), 0.0) for z in xp_per_zone}
    if not any(zone_minutes.values()):
        zone_minutes = _minutes_between_gains(gains)
    return {
        zone: round(xp / zone_minutes[zone], RATE_DIGITS)
        for zone, xp in xp_per_zone.items()
        if zone_minutes.get(zone, 0.0) > 0
    }


def _minutes_between_gains(gains: list[XPGain]) -> dict[str, float]:
    credited: dict[str, float] = {}
    previous: XPGain | None = None
    for gain in gains:
        if gain.timestamp is None:
            continue
        if previous is not None and previous.zone:
            gap = minutes_between(previous.timestamp, gain.timestamp) or 0.0
            credited[previous.zone] = credited.get(previous.zone, 0.0) + gap
        previous = gain
    return credited


def _minutes_per_place(visits: list[LocationVisit], minutes: list[float]) -> dict[str, float]:
    """Minutes per planet and per city, keyed in lower case (zones are named either way)."""
    per_place: dict[str, float] = {}
    for by_city in (False, True):
        for place, spent in _minutes_per(visits, minutes, by_city=by_city).items():
            per_place[place.lower()] = per_place.get(place.lower(), 0.0) + spent
    return per_place


def _minutes_per(visits: list[LocationVisit], minutes: list[float], *, by_city: bool) -> dict[str, float]:
    totals: dict[str, float] = {}
    for visit, spent in zip(visits, minutes, strict=True):
        place = visit.city if by_city else visit.planet
        if place:
            totals[place] = totals.get(place, 0.0) + spent
    return totals


def _event(visit: LocationVisit, minutes: float, purpose: str) -> dict[str, Any]:
    coordinates = [round(c) for c in visit.coordinates] if visit.coordinates is not None else None
    return {
        "timestamp": utc(visit.timestamp),
        "planet": visit.planet,
        "city": visit.city or None,
        "coordinates": coordinates,
        "duration_minutes": round(minutes, RATE_DIGITS),
        "purpose": purpose,
    }


def _unique(names: Any) -> list[str]:
    return list(dict.fromkeys(name for name in names if name))


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {key: round(value, RATE_DIGITS) for key, value in values.items()}
