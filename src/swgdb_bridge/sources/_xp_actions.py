"""XP per action ``data/session_logs/<session id>.json`` (``src/session_logger.py:append_entry``).

A JSON list; ``utils/session_utils.track_xp_gain`` appends one entry per action: ``action`` (free text such
as ``"Killed womp rat"`` or ``"Completed quest: Clear the Tusken Camp"``), ``start_xp``/``end_xp`` (the
game's XP counter before and after), ``xp_gain`` and ``xp_per_action`` (a rolling average). The legacy
``core/session_manager.py`` appends a single ``"session"`` entry for the whole session. No entry has a
time and the session id is ``uuid4()[:8]``: the part is placed by its id (the legacy session log has the
same one) or by what it says (quest names, XP counters, totals). The action text is read for kills and
quest names, never kept.
"""

from __future__ import annotations

from swgdb_bridge.model import QuestCompletion, XPGain
from swgdb_bridge.sources._action_text import killed, quest_done
from swgdb_bridge.sources._fields import Fields
from swgdb_bridge.sources._part import Part
from swgdb_bridge.sources._sanity import MAX_TOTAL, MAX_XP

FORMAT = "xp_actions"


def matches(doc: object) -> bool:
    return (
        isinstance(doc, list)
        and bool(doc)
        and all(isinstance(item, dict) and "action" in item and "xp_gain" in item for item in doc[:50])
    )


def parse(f: Fields) -> list[Part]:
    part = Part(f.path, FORMAT, ids=(f.path.stem,))
    for entry in f.items("entries"):
        _take(part, entry)
    if part.xp_events:
        part.xp_total = sum(e.amount for e in part.xp_events)
        part.carry("xp_total")
        if len(part.xp_events) > 1 or part.extra.get("whole_session") is None:
            part.carry("xp_events")
    if part.xp_start is not None and part.xp_end is not None:
        part.carry("xp_counter")
    if part.quests:
        part.carry("quests", "quest_count")
        part.quest_count = len(part.quests)
    part.carry_present("kills")
    return [part]


def _take(part: Part, entry: Fields) -> None:
    text = entry.need_text("action")
    gain = entry.need_int("xp_gain", minimum=0, maximum=MAX_XP)
    start = entry.integer("start_xp", minimum=0, maximum=MAX_TOTAL)
    end = entry.integer("end_xp", minimum=0, maximum=MAX_TOTAL)
    if start is not None and part.xp_start is None:
        part.xp_start = start
    if end is not None:
        part.xp_end = end
    if text.strip().lower() == "session":
        part.extra["whole_session"] = True
    quest, creature = quest_done(text), killed(text)
    if quest:
        part.quests.append(QuestCompletion(None, quest, reward_amount=gain))
    elif creature:
        part.kills[creature] = part.kills.get(creature, 0) + 1
    source = "quest" if quest else "combat" if creature else "other"
    part.xp_events.append(XPGain(None, gain, source=source, quest_name=quest))
