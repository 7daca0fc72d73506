"""XP tracking ``logs/xp_tracking/session_<iso>.json`` (``src/xp_session.py:XPSession.save``).

The document is the ``XPSession``'s ``__dict__``: ``character``, ``session_start``, ``xp_start``,
``xp_end`` (``None`` until finalized), ``xp_gain``, ``actions`` (``timestamp``, ``type``, ``xp``, optional
``skill``) and ``skills`` (XP per skill line). The bot's ``XPManager`` stores Unix timestamps as
``xp_start``/``xp_end``, so ``xp_gain`` is the session's length in seconds: when the counters look like
timestamps of the bot's era we take ``xp_end`` as the end time, throw ``xp_gain`` away, and use the sum of
the actions, with a warning. ``mob_kill`` actions count kills (of an unnamed creature).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from swgdb_bridge.model import XPGain
from swgdb_bridge.sources._fields import Fields
from swgdb_bridge.sources._part import Part, looks_like_epoch
from swgdb_bridge.sources._sanity import MAX_TOTAL, MAX_XP, check_span

FORMAT = "xp_tracking"
_SOURCES = {
    "mob_kill": "combat",
    "kill": "combat",
    "combat": "combat",
    "quest_complete": "quest",
    "quest": "quest",
}
_SOURCES |= {
    "craft": "crafting",
    "crafting": "crafting",
    "explore": "exploration",
    "exploration": "exploration",
}


def matches(doc: object) -> bool:
    return isinstance(doc, dict) and "session_start" in doc and "actions" in doc and "xp_start" in doc


def parse(f: Fields) -> list[Part]:
    part = Part(f.path, FORMAT, start=f.need_time("session_start"), character=_name(f))
    part.carry("start")
    part.carry_present("character")
    for action in f.items("actions"):
        kind = action.text("type") or "other"
        xp = action.need_int("xp", minimum=0, maximum=MAX_XP)
        part.xp_events.append(
            XPGain(action.time("timestamp"), xp, skill=action.text("skill"), source=_source(kind))
        )
        if _SOURCES.get(kind) == "combat":
            part.metrics["kills"] = part.metrics.get("kills", 0) + 1
    part.xp_by_skill = f.counts("skills", MAX_XP) or _by_skill(part.xp_events)
    part.carry_present("xp_events", "xp_by_skill")
    _counters(f, part)
    return [part]


def _name(f: Fields) -> str | None:
    name = f.text("character")
    return name.strip() if name and name.strip() else None


def _source(kind: str) -> str:
    return _SOURCES.get(kind.strip().lower(), "other")


def _by_skill(events: list[XPGain]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for event in events:
        if event.skill:
            totals[event.skill] = totals.get(event.skill, 0) + event.amount
    return totals


def _counters(f: Fields, part: Part) -> None:
    start = f.number("xp_start", minimum=0, maximum=MAX_TOTAL)
    end = f.number("xp_end", minimum=0, maximum=MAX_TOTAL)
    gain = f.integer("xp_gain", minimum=-MAX_TOTAL, maximum=MAX_TOTAL)
    summed = sum(e.amount for e in part.xp_events)
    last_action = max((e.timestamp for e in part.xp_events if e.timestamp), default=None)
    bug = looks_like_epoch(start) and (end is None or looks_like_epoch(end))
    if bug:
        part.warnings.append(
            f"{f.path.name}: xp_start/xp_end are Unix timestamps (a bot bug), so xp_gain {gain} is seconds, "
            f"not XP; XP taken from its {len(part.xp_events)} actions ({summed:,})"
        )
        if part.start is not None:  # the counters are Unix times, session_start the machine's local time
            part.clock_offset = part.start - datetime.fromtimestamp(start, UTC)
        if end is not None:  # on the start's clock: the counters' span after session_start
            part.end = datetime.fromtimestamp(end, UTC) + (part.clock_offset or timedelta(0))
    else:
        if start is not None and end is not None:
            part.xp_start, part.xp_end = int(start), int(end)
            part.carry("xp_counter")
        if gain is not None and part.xp_events and gain != summed:
            part.warnings.append(f"{f.path.name}: xp_gain {gain:,} but its actions sum to {summed:,}")
    part.end = part.end or last_action
    if part.end is not None and part.start is not None:
        part.end = max(part.end, part.start)
        check_span(f, "xp_end", part.start, part.end, longest=None)
        part.carry("end")
    part.xp_total = gain if not bug and gain is not None and gain >= 0 else summed
    part.carry("xp_total")
