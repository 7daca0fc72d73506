"""Builders from one JSON object to one model record, shared by the tracker and JSON Lines readers.

The two formats use the same field names except for the timestamp key (``timestamp``/``time`` in the
tracker, ``ts`` in JSON Lines), so each builder takes the time already parsed by its caller. Free-form
categories are folded into the model's closed vocabularies here, once, so later stages never meet an
unexpected channel or source.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from swgdb_bridge.model import (
    Action,
    AfkPeriod,
    ChatMessage,
    CreditChange,
    GuildAlert,
    LocationVisit,
    LootDrop,
    PlayerEncounter,
    QuestCompletion,
    StuckEvent,
    XPGain,
)
from swgdb_bridge.sources._fields import Fields
from swgdb_bridge.sources._sanity import MAX_SESSION_MINUTES, MAX_TOTAL, MAX_XP

CHAT_CHANNELS = {
    "whisper": "whisper",
    "private": "whisper",
    "tell": "tell",
    "group_chat": "group_chat",
    "group": "group_chat",
    "guild_chat": "guild_chat",
    "guild": "guild_chat",
}
# name → itself: folding returns the one shared constant, so a million events do not hold a million copies
XP_SOURCES = {name: name for name in ("combat", "quest", "crafting", "exploration", "social", "other")}
CREDIT_SOURCES = {name: name for name in ("quest", "vendor", "trade", "mission", "other")}
INTERACTIONS = {name: name for name in ("detected", "whispered", "grouped", "other")}
T = TypeVar("T")


def fold(value: str | None, allowed: dict[str, str]) -> str | None:
    if value is None:
        return None
    return allowed.get(value) or allowed.get(value.strip().lower(), "other")


def chat_channel(value: str | None) -> str:
    return CHAT_CHANNELS.get((value or "").strip().lower(), "other")


def xp_gain(f: Fields, when: datetime | None) -> XPGain:
    return XPGain(
        timestamp=when,
        amount=f.need_int("amount", minimum=0, maximum=MAX_XP),
        profession=f.text("profession"),
        skill=f.text("skill"),
        source=fold(f.text("source"), XP_SOURCES),
        quest_name=f.text("quest_name"),
        zone=f.text("zone"),
        level_before=f.integer("level_before", minimum=0),
        level_after=f.integer("level_after", minimum=0),
    )


def credit_change(f: Fields, when: datetime | None) -> CreditChange:
    return CreditChange(
        timestamp=when,
        amount=f.need_int("amount", minimum=-MAX_TOTAL, maximum=MAX_TOTAL),
        source=fold(f.text("source"), CREDIT_SOURCES),
        balance_after=f.integer("balance_after", minimum=-MAX_TOTAL, maximum=MAX_TOTAL),
    )


def quest_completion(f: Fields, when: datetime | None) -> QuestCompletion:
    return QuestCompletion(
        timestamp=when,
        quest_name=f.need_text("quest_name"),
        quest_type=f.text("quest_type"),
        reward_type=f.text("reward_type"),
        reward_amount=f.integer("reward_amount", minimum=0, maximum=MAX_TOTAL),
        zone=f.text("zone"),
    )


def location_visit(f: Fields, when: datetime | None) -> LocationVisit:
    return LocationVisit(
        timestamp=when,
        planet=f.need_text("planet"),
        city=f.text("city"),
        coordinates=f.coordinates("coordinates"),
        departure=f.time("departure_time"),
        duration_minutes=f.number("duration_minutes", minimum=0, maximum=MAX_SESSION_MINUTES),
        purpose=f.text("purpose"),
    )


def chat_message(f: Fields, when: datetime | None, channel_key: str = "channel") -> ChatMessage:
    return ChatMessage(
        timestamp=when,
        channel=chat_channel(f.text(channel_key)),
        sender=f.text("sender"),
        message=f.text("message") or "",
        response_sent=f.boolean("response_sent"),
    )


def player_encounter(f: Fields, when: datetime | None) -> PlayerEncounter:
    return PlayerEncounter(
        timestamp=when,
        player_name=f.need_text("player_name"),
        location=f.text("location"),
        distance=f.number("distance", minimum=0),
        interaction_type=fold(f.text("interaction_type"), INTERACTIONS),
    )


def guild_alert(f: Fields, when: datetime | None) -> GuildAlert:
    return GuildAlert(
        timestamp=when,
        sender=f.text("sender"),
        message=f.text("message") or "",
        alert_type=f.text("alert_type"),
        priority=f.text("priority"),
        auto_reply_sent=f.boolean("auto_reply_sent"),
        reply_message=f.text("reply_message"),
    )


def afk_period(f: Fields, when: datetime | None) -> AfkPeriod:
    start, end = when, f.time("end_time")
    if start is not None and end is not None and end < start:
        f.fail("end_time", f"AFK period ends ({end.isoformat()}) before it starts ({start.isoformat()})")
    return AfkPeriod(
        start_time=start,
        end_time=end,
        duration_minutes=f.number("duration_minutes", minimum=0, maximum=MAX_SESSION_MINUTES),
        reason=f.text("reason"),
    )


def stuck_event(f: Fields, when: datetime | None) -> StuckEvent:
    return StuckEvent(
        timestamp=when,
        location=f.text("location"),
        reason=f.text("reason"),
        duration_seconds=f.number("duration_seconds", minimum=0, maximum=MAX_SESSION_MINUTES * 60),
    )


def action(f: Fields, when: datetime | None, text_key: str = "text") -> Action:
    return Action(timestamp=when, text=f.need_text(text_key))


def loot_drop(f: Fields, when: datetime | None) -> LootDrop:
    return LootDrop(timestamp=when, item=f.need_text("item"), zone=f.text("zone"))


def records(f: Fields, key: str, build: Callable[..., T], time_key: str, *args: str) -> list[T]:
    """Build one record per object of the list ``key``, each timed by its own ``time_key``."""
    return [build(item, item.time(time_key), *args) for item in f.items(key)]
