"""The whole of one session, in sections (summary, XP, credits, quests, locations, events, metrics).

Event lists are the session's own records, unsanitized: the viewer is the user's look at their own logs.
Rates and breakdowns are the payload's, so they read the same here as on the dashboard. What would be
removed before upload is the ``sanitization`` section (see :mod:`swgdb_bridge.viewer.preview`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
import orjson

from swgdb_bridge.model import Session

if TYPE_CHECKING:  # pydantic models cost a second to import; the warm listing never needs them
    from swgdb_bridge.payload_fast import AnyPayload


def plain(value: Any) -> Any:
    """JSON-ready copy of records, dataclasses, datetimes and paths (orjson knows the middle two natively)."""
    return orjson.loads(orjson.dumps(value, default=_fallback, option=orjson.OPT_NON_STR_KEYS))


def _fallback(value: Any) -> Any:
    if isinstance(value, msgspec.Struct):  # the model's records
        return msgspec.structs.asdict(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot show a {type(value).__name__}")


def sections(session: Session, payload: AnyPayload) -> dict[str, Any]:
    xp, credits, quests = payload.xp_data, payload.credit_data, payload.quest_data
    locations, events = payload.location_data, payload.event_data
    return plain(
        {
            "xp": {
                "total_xp_gained": xp.total_xp_gained,
                "xp_per_hour": xp.xp_per_hour,
                "profession_breakdown": xp.profession_breakdown,
                "skill_breakdown": xp.skill_breakdown,
                "source_breakdown": xp.source_breakdown,
                "events": session.xp_gains,
            },
            "credits": {
                "total_credits_gained": credits.total_credits_gained,
                "credits_per_hour": credits.credits_per_hour,
                "events": session.credit_changes,
            },
            "quests": {
                "total_quests_completed": quests.total_quests_completed,
                "quests_per_hour": quests.quests_per_hour,
                "quests": session.quests,
            },
            "locations": {
                "unique_planets": locations.unique_planets,
                "unique_cities": locations.unique_cities,
                "time_per_planet_minutes": locations.time_per_planet_minutes,
                "travel_time_minutes": locations.travel_time_minutes,
                "visits": session.locations,
            },
            "events": {
                "event_types": events.event_types,
                "messages": session.messages,
                "player_encounters": session.encounters,
                "guild_alerts": session.guild_alerts,
                "afk_periods": session.afk_periods,
                "stuck_events": session.stuck_events,
                "actions": session.actions,
                "loot": session.loot,
                "kills_by_creature": session.kills,  # a bot's own counts (MS11 sessions)
                "heroic_loot": session.heroic_loot,
            },
            "metrics": {
                **payload.performance_metrics.model_dump(mode="json", exclude_none=True),
                "declared": session.declared_metrics,
            },
        }
    )
