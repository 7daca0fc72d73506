"""``quest_data``: quests completed, how fast, of what kind and for what reward.

Logs rarely state a quest's type or reward; the quest name is classified by keywords ("Escort …" is a
delivery, "Clear …" a hunt, see ``classify.QUEST_TYPES``). A quest whose name also appears on XP gains
rewarded XP.
"""

from __future__ import annotations

from typing import Any

from swgdb_bridge.model import QuestCompletion, Session
from swgdb_bridge.serialize.classify import QUEST_TYPES, REWARD_TYPES
from swgdb_bridge.serialize.units import add, per_hour, utc


def quest_data(
    session: Session, minutes: float, *, include_events: bool, include_locations: bool
) -> dict[str, Any]:
    xp_quests = {g.quest_name for g in session.xp_gains if g.quest_name}
    events = [_event(q, xp_quests, include_locations) for q in session.quests]
    quest_types: dict[str, int] = {}
    reward_types: dict[str, int] = {}
    for event in events:
        add(quest_types, event["quest_type"], 1)
        add(reward_types, event["reward_type"], 1)
    return {
        "total_quests_completed": len(events),
        "quests_per_hour": per_hour(len(events), minutes),
        "quest_events": events if include_events else [],
        "quest_types": quest_types,
        "reward_types": reward_types,
    }


def _event(quest: QuestCompletion, xp_quests: set[str], include_locations: bool) -> dict[str, Any]:
    return {
        "timestamp": utc(quest.timestamp),
        "quest_name": quest.quest_name,
        "quest_type": QUEST_TYPES(quest.quest_type, default=QUEST_TYPES(quest.quest_name)),
        "reward_type": REWARD_TYPES(
            quest.reward_type, default="xp" if quest.quest_name in xp_quests else "other"
        ),
        "reward_amount": quest.reward_amount,
        "zone": quest.zone if include_locations else None,
    }
