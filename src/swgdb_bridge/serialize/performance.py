"""``performance_metrics``: the session at a glance, built from the other sections and the raw session.

Counts come from the session before sanitizing (a count reveals nothing; the sanitizer may drop items).
"""

from __future__ import annotations

from typing import Any

from swgdb_bridge.model import Session
from swgdb_bridge.serialize.efficiency import Rates, efficiency_score
from swgdb_bridge.serialize.events import afk_minutes
from swgdb_bridge.serialize.units import per_hour


def idle_minutes(raw: Session) -> float:
    """Minutes spent AFK or stuck, the part of a session the efficiency score does not count as active."""
    afk = sum(afk_minutes(p) or 0.0 for p in raw.afk_periods)
    stuck = sum(e.duration_seconds or 0.0 for e in raw.stuck_events) / 60.0
    return afk + stuck


def total_actions(raw: Session) -> int:
    if raw.actions:
        return len(raw.actions)
    return max(0, int(raw.declared_metrics.get("total_actions", 0)))


def performance_metrics(raw: Session, minutes: float, sections: dict[str, dict[str, Any]]) -> dict[str, Any]:
    rates = Rates(
        xp_per_hour=sections["xp_data"]["xp_per_hour"],
        credits_per_hour=sections["credit_data"]["credits_per_hour"],
        quests_per_hour=sections["quest_data"]["quests_per_hour"],
    )
    actions = total_actions(raw)
    return {
        "session_duration_minutes": round(minutes, 2),
        "total_actions": actions,
        "actions_per_hour": per_hour(actions, minutes),
        "efficiency_score": efficiency_score(rates, idle_minutes(raw), minutes),
        "unique_locations_visited": len({(v.planet, v.city) for v in raw.locations}),
        "total_travel_time_minutes": sections["location_data"]["travel_time_minutes"],
        "unique_players_encountered": len({e.player_name.casefold() for e in raw.encounters}),
        "quests_completed": sections["quest_data"]["total_quests_completed"],
        "afk_periods": len(raw.afk_periods),
        "stuck_events": len(raw.stuck_events),
    }
