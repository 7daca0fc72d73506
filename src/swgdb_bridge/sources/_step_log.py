"""The step log ``logs/session_<YYYYmmdd_HHMMSS>.json`` (``src/logging_utils/session_log.py:log_step``).

The bot rewrites the whole file after every step it executes: ``start_time``, running ``total_xp``,
``quests_completed``, ``time_spent`` (seconds since the module was imported), ``activity_breakdown`` and the
``steps`` themselves, each the step dict the bot ran plus its ``time``. Steps are free-form; we take
``move`` (``to.planet``/``to.city``, ``coords``), ``combat`` (``target``, ``xp``: one combat step is one
fight won), ``quest`` with ``action: complete`` (``id`` is the quest's name) and any step's numeric ``xp``.
A vendor waypoint (``to.waypoint``, a player's shop name) is never taken. There is no end time: the last
step (the bot logs a logout move) or ``start + time_spent``, whichever is later.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from swgdb_bridge.model import LocationVisit, QuestCompletion, XPGain
from swgdb_bridge.sources._fields import Fields
from swgdb_bridge.sources._part import Part
from swgdb_bridge.sources._sanity import MAX_SESSION_MINUTES, MAX_XP, check_span

FORMAT = "step_log"
_XP_SOURCES = {"combat": "combat", "quest": "quest", "craft": "crafting", "crafting": "crafting"}


def matches(doc: object) -> bool:
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("steps"), list)
        and ("activity_breakdown" in doc or "total_xp" in doc or "time_spent" in doc)
    )


def parse(f: Fields) -> list[Part]:
    part = Part(f.path, FORMAT, start=f.need_time("start_time"))
    part.carry("start", "end")
    end = part.start
    for step in f.items("steps"):
        when = step.time("time")
        end = max(end, when) if when is not None and end is not None else end
        _take_step(part, step, when)
    spent = f.number("time_spent", minimum=0, maximum=MAX_SESSION_MINUTES * 60)
    if spent is not None and part.start is not None and end is not None:
        end = max(end, part.start + timedelta(seconds=spent))
    part.end = end
    if part.start is not None and end is not None:
        check_span(f, "time_spent", part.start, end)
    _totals(f, part)
    return [part]


def _take_step(part: Part, step: Fields, when: datetime | None) -> None:
    kind = step.data.get("type")
    xp = step.integer("xp", minimum=0, maximum=MAX_XP)
    quest_name = None
    if kind == "quest" and step.data.get("action") == "complete":
        quest_name = step.text("id") or step.text("name") or ""
        part.quests.append(QuestCompletion(when, quest_name, reward_amount=xp))
    if kind == "combat" and isinstance(step.data.get("target"), str) and step.data["target"].strip():
        target = step.data["target"].strip()
        part.kills[target] = part.kills.get(target, 0) + 1
    if kind == "move":
        _take_move(part, step, when)
    if xp is not None:
        source = _XP_SOURCES.get(kind, "other") if isinstance(kind, str) else "other"
        part.xp_events.append(XPGain(when, xp, source=source, quest_name=quest_name or None))


def _take_move(part: Part, step: Fields, when: datetime | None) -> None:
    to = step.data.get("to")
    if not isinstance(to, dict):
        return
    target = step.need_child("to")
    planet, city = target.text("planet"), target.text("city")
    if not planet:
        return
    last = part.locations[-1] if part.locations else None
    if last is not None and (last.planet, last.city) == (planet, city):
        return  # the logout move repeats where the character already is
    if last is not None and last.departure is None:
        last.departure = when
    part.locations.append(LocationVisit(when, planet, city, step.coordinates("coords")))


def _totals(f: Fields, part: Part) -> None:
    declared = f.integer("total_xp", minimum=0, maximum=MAX_XP)
    summed = sum(e.amount for e in part.xp_events)
    part.xp_total = declared if declared is not None else summed
    if declared is not None and part.xp_events and declared != summed:
        part.warnings.append(f"{f.path.name}: total_xp {declared:,} but its steps sum to {summed:,}")
    counted = f.integer("quests_completed", minimum=0, maximum=100_000)
    part.quest_count = max(counted or 0, len(part.quests))
    part.carry("xp_total", "quest_count")
    part.carry_present("xp_events", "quests", "places", "kills")
