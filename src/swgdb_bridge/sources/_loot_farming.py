"""The loot-farming run (``data/rls_farming_sessions/*.json``): ``session_info`` plus loot and combat logs.

The file has no session id, so one is derived from the start time, which the bot writes to the
microsecond: the same file always gets the same id, two runs never share one.
"""

from __future__ import annotations

from swgdb_bridge.model import Action, Session
from swgdb_bridge.sources import _events as ev
from swgdb_bridge.sources._fields import Fields
from swgdb_bridge.sources._sanity import declared_duration, session_span

FORMAT = "loot_farming"
_COMBAT_TEXT_KEYS = ("action", "message", "event", "text")
_METRICS = ("total_loot", "enemies_defeated")


def matches(doc: dict[str, object]) -> bool:
    return "session_info" in doc and ("loot_log" in doc or "combat_log" in doc)


def parse(f: Fields) -> Session:
    info = f.need_child("session_info")
    start, end = session_span(info)
    declared_duration(info)
    session = Session(
        session_id="loot_" + start.strftime("%Y%m%d%H%M%S%f"),
        character_name=f.text("character_name"),
        start_time=start,
        end_time=end,
        source_format=FORMAT,
        source_path=f.path,
        loot=ev.records(f, "loot_log", ev.loot_drop, "time"),
        actions=_combat_actions(f),
        declared_metrics={k: v for k in _METRICS if (v := info.number(k, minimum=0)) is not None},
        original_keys=list(f.data),
    )
    session.extra["target_items_found"] = info.strings("target_items_found")
    session.extra["zones_visited"] = info.strings("zones_visited")
    return session


def _combat_actions(f: Fields) -> list[Action]:
    """Combat entries that carry a line of text become actions; their shape is not fixed upstream."""
    actions = []
    for entry in f.items("combat_log"):
        key = next((k for k in _COMBAT_TEXT_KEYS if entry.has(k)), None)
        if key is not None:
            stamp = "time" if entry.has("time") else "timestamp"
            actions.append(ev.action(entry, entry.time(stamp), key))
    return actions
