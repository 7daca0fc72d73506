"""``event_data``: what happened around the character — messages, other players, guild alerts, AFK, stuck.

Counts come from the session *before* sanitizing, lists from the session *after*: the sanitizer may drop a
message or an encounter the user did not allow, but "you got 3 tells" is a count, not content, and is kept.
``total_events`` is the sum of ``event_types`` (the upstream rule).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from swgdb_bridge.model import (
    AfkPeriod,
    ChatMessage,
    GuildAlert,
    HeroicLoot,
    PlayerEncounter,
    Session,
    StuckEvent,
)
from swgdb_bridge.payload import MAX_HEROIC_LOOT
from swgdb_bridge.serialize.classify import ALERT_TYPES, CHAT_TYPES, INTERACTIONS, priority
from swgdb_bridge.serialize.units import Lazy, minutes_between, utc

CHANNELS = ("whisper", "tell", "group_chat", "guild_chat", "other")


def event_counts(raw: Session) -> dict[str, int]:
    """Counts by type; every key is always present, so dashboards can chart sessions side by side."""
    counts = {f"communication_{channel}": 0 for channel in CHANNELS}
    for message in raw.messages:
        counts[f"communication_{CHAT_TYPES(message.channel)}"] += 1
    counts.update(
        player_encounter=len(raw.encounters),
        guild_alert=len(raw.guild_alerts),
        afk_period=len(raw.afk_periods),
        stuck_event=len(raw.stuck_events),
        action=len(raw.actions),
        loot_drop=len(raw.loot),
    )
    return counts


def event_data(
    raw: Session, clean: Session, *, sanitized: bool, include_events: bool, include_locations: bool
) -> dict[str, Any]:
    counts = event_counts(raw)
    lists: dict[str, list[Any] | Lazy[Any]] = {
        "communication_events": [],
        "player_encounters": [],
        "guild_alerts": [],
        "afk_periods": [],
        "stuck_events": [],
    }
    if include_events:
        lists = {
            "communication_events": Lazy(clean.messages, partial(_message, sanitized=sanitized)),
            "player_encounters": Lazy(
                clean.encounters,
                partial(_encounter, sanitized=sanitized, include_locations=include_locations),
            ),
            "guild_alerts": Lazy(clean.guild_alerts, partial(_alert, sanitized=sanitized)),
            "afk_periods": Lazy(clean.afk_periods, _afk),
            "stuck_events": Lazy(clean.stuck_events, partial(_stuck, include_locations=include_locations)),
        }
    return {
        "total_events": sum(counts.values()),
        "event_types": counts,
        **lists,
        **bot_facts(clean, include_events),
    }


def bot_facts(clean: Session, include_events: bool) -> dict[str, Any]:
    """Kills per creature and heroic loot, for sessions assembled from the MS11 bot's files; absent otherwise.

    Kills are counts per creature (kept like a breakdown); the loot is a per-event list (withheld, empty,
    without ``include_events``).
    """
    facts: dict[str, Any] = {}
    if clean.kills:
        facts["kills_by_creature"] = dict(clean.kills)
    if clean.heroic_loot:
        facts["heroic_loot"] = (
            [_loot(i) for i in clean.heroic_loot[:MAX_HEROIC_LOOT]] if include_events else []
        )
    return facts


def _loot(item: HeroicLoot) -> dict[str, Any]:
    return {
        "timestamp": utc(item.timestamp),
        "item": item.item,
        "quantity": item.quantity,
        "instance": item.instance,
        "boss": item.boss,
        "rarity": item.rarity,
    }


def afk_minutes(period: AfkPeriod) -> float | None:
    if period.duration_minutes is not None:
        return max(0.0, period.duration_minutes)
    return minutes_between(period.start_time, period.end_time)


def _message(message: ChatMessage, sanitized: bool) -> dict[str, Any]:
    return {
        "timestamp": utc(message.timestamp),
        "event_type": CHAT_TYPES(message.channel),
        "sender": message.sender or None,
        "message": message.message or None,
        "response_sent": message.response_sent,
        "_sanitized": sanitized,
    }


def _encounter(encounter: PlayerEncounter, sanitized: bool, include_locations: bool) -> dict[str, Any]:
    return {
        "timestamp": utc(encounter.timestamp),
        "player": encounter.player_name or None,
        "location": encounter.location if include_locations else None,
        "distance": encounter.distance,
        "interaction_type": INTERACTIONS(encounter.interaction_type),
        "_player_name_removed": sanitized,
    }


def _alert(alert: GuildAlert, sanitized: bool) -> dict[str, Any]:
    return {
        "timestamp": utc(alert.timestamp),
        "sender": alert.sender or None,
        "message": alert.message or None,
        "alert_type": ALERT_TYPES(alert.alert_type),
        "priority": priority(alert.priority),
        "auto_reply_sent": alert.auto_reply_sent,
        "reply_message": alert.reply_message or None,
        "_sanitized": sanitized,
    }


def _afk(period: AfkPeriod) -> dict[str, Any]:
    minutes = afk_minutes(period)
    return {
        "start_time": utc(period.start_time),
        "end_time": utc(period.end_time),
        "duration_minutes": round(minutes, 2) if minutes is not None else None,
        "reason": period.reason,
    }


def _stuck(event: StuckEvent, include_locations: bool) -> dict[str, Any]:
    return {
        "timestamp": utc(event.timestamp),
        "location": event.location if include_locations else None,
        "reason": event.reason,
        "duration_seconds": event.duration_seconds,
    }
