"""The legacy session log ``logs/session_<id>.json`` (``core/session_manager.py:SessionManager.save_log``).

Written at the end of a session by the older ``core/`` code (commit be1136b): ``session_id``
(``uuid4()[:8]``), ``mode``, ``start_time``/``end_time``, ``duration_minutes``, ``start_credits``/
``end_credits``/``credits_earned``, ``start_xp``/``end_xp``/``xp_gained`` (counter readings) and ``actions``:
``{"time", "action"}`` with free text. From the text we take kills (``Killed womp rat (+145 XP)``), quest
completions (``quest_complete``, ``Completed quest: <name>``) and moves (``Moving from A to B``: cities,
placed on their planet when the city is well known). Chat the bot logged as an action (``Whisper from
Zorvath: ...``, ``[Guild] Tirra Dane: ...``) becomes a chat message, so it meets the chat rules of the
sanitizer, never an action line.
An end balance never set stays 0: a wallet that "drops" to 0 is read as unknown, with a warning.
"""

from __future__ import annotations

import re
from datetime import datetime

from swgdb_bridge.model import Action, ChatMessage, LocationVisit, QuestCompletion, XPGain
from swgdb_bridge.sources._action_text import killed, moved, quest_done, xp_noted
from swgdb_bridge.sources._events import chat_channel
from swgdb_bridge.sources._fields import Fields
from swgdb_bridge.sources._part import Part, planet_of_city
from swgdb_bridge.sources._sanity import MAX_TOTAL, MAX_XP, check_span, declared_duration, session_id

FORMAT = "legacy_session"
_SIGNATURE = frozenset({"start_xp", "end_xp", "start_credits", "end_credits"})
# Chat the bot logged: "Whisper from Zorvath: ..." or, as the game's chat window shows it,
# "[Group chat] Hunter Vale: ..." (channel in brackets, then the sender).
_CHAT = (
    re.compile(
        r"^\s*(Whisper|Tell|Guild|Group|Chat|Message)\w*\s+from\s+([^:]{1,60}):\s?(.*)$", re.IGNORECASE
    ),
    re.compile(
        r"^\s*\[(Whisper|Tell|Guild|Group|Chat|Message)[^\]]{0,20}\]\s*([^:\]]{1,60}):\s?(.*)$", re.IGNORECASE
    ),
)
_QUEST_WORDS = {"quest_complete", "quest_completed", "quest complete"}


def matches(doc: object) -> bool:
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("actions"), list)
        and len(_SIGNATURE & doc.keys()) >= 2
        and not isinstance(doc.get("xp"), dict)
    )


def parse(f: Fields) -> list[Part]:
    start, end = f.need_time("start_time"), f.need_time("end_time")
    check_span(f, "end_time", start, end, longest=None)  # the assembly judges the play session's length
    declared_duration(f, longest=None)
    sid = session_id(f)
    part = Part(f.path, FORMAT, ids=(sid,), start=start, end=end, mode=f.text("mode"))
    part.carry("start", "end")
    for entry in f.items("actions"):
        _take(part, entry, entry.time("time"))
    _counters(f, part)
    part.carry_present("kills", "places", "quests")
    part.quest_count = len(part.quests) + int(part.metrics.pop("unnamed_quests", 0))
    part.carry("quest_count", "actions")
    part.carry_present("messages")
    return [part]


def _take(part: Part, entry: Fields, when: datetime | None) -> None:
    text = entry.need_text("action")
    chat = next(filter(None, (pattern.match(text) for pattern in _CHAT)), None)
    if chat:
        kind, sender, message = chat.groups()
        part.messages.append(ChatMessage(when, chat_channel(kind), sender.strip(), message))
        return
    part.actions.append(Action(when, text))
    creature, quest, move = killed(text), quest_done(text), moved(text)
    if creature:
        part.kills[creature] = part.kills.get(creature, 0) + 1
    elif quest:
        part.quests.append(QuestCompletion(when, quest))
    elif text.strip().lower() in _QUEST_WORDS:
        part.metrics["unnamed_quests"] = part.metrics.get("unnamed_quests", 0) + 1
    elif move:
        _moved(part, when, *move)
    amount = xp_noted(text)
    if amount is not None:
        part.xp_events.append(XPGain(when, min(amount, MAX_XP), source="combat" if creature else "other"))


def _moved(part: Part, when: datetime | None, origin: str, destination: str) -> None:
    if not part.locations:
        planet = planet_of_city(origin)
        if planet:
            part.locations.append(LocationVisit(part.start, planet, origin))
    planet = planet_of_city(destination)
    if planet:
        if part.locations and part.locations[-1].departure is None:
            part.locations[-1].departure = when
        part.locations.append(LocationVisit(when, planet, destination))
    else:
        part.warnings.append(
            f"{part.path.name}: moved to {destination!r}, a city we cannot place on a planet"
        )


def _counters(f: Fields, part: Part) -> None:
    xp0, xp1 = (
        f.integer("start_xp", minimum=0, maximum=MAX_TOTAL),
        f.integer("end_xp", minimum=0, maximum=MAX_TOTAL),
    )
    gained = f.integer("xp_gained", minimum=0, maximum=MAX_XP)
    if xp0 is not None and xp1 is not None and xp0 > 0:
        part.xp_start, part.xp_end = xp0, xp1
        part.carry("xp_counter")
    if gained is not None:
        part.xp_total = gained
        part.carry("xp_total")
    cr0 = f.integer("start_credits", minimum=-MAX_TOTAL, maximum=MAX_TOTAL)
    cr1 = f.integer("end_credits", minimum=-MAX_TOTAL, maximum=MAX_TOTAL)
    if cr0 is not None and cr1 is not None:
        if cr1 == 0 and cr0 > 0:
            part.warnings.append(f"{f.path.name}: end_credits is 0 (never read); credits unknown")
        elif (cr0, cr1) != (0, 0):
            part.credits_start, part.credits_end, part.credits_total = cr0, cr1, cr1 - cr0
            part.carry("credit_counter", "credits_total")
    part.carry_present("xp_events")
