"""The session tracker's shape: one JSON document with totals, lists of events and an action log.

Declared totals (``xp.gained``, ``credits.gained``) stay authoritative. The action log also yields XP and
credit events ("Killed womp rat (+145 XP)", "Looted 355 credits from rancor") and the time each quest was
completed; those events cover only part of the totals, which ``extra["events_derived_from_actions"]`` says.
"""

from __future__ import annotations

import re
from datetime import datetime

from swgdb_bridge.model import Action, CreditChange, QuestCompletion, Session, XPGain
from swgdb_bridge.sources import _events as ev
from swgdb_bridge.sources._fields import MEMO_LIMIT, Fields
from swgdb_bridge.sources._sanity import MAX_TOTAL, MAX_XP, declared_duration, session_id, session_span

FORMAT = "tracker"
_SIGNATURE = frozenset(
    {"xp", "credits", "quests_completed", "locations_visited", "communication_events", "player_encounters"}
    | {"guild_alerts", "afk_periods", "stuck_events", "actions", "performance_metrics"}
)
_KILL = re.compile(r"Killed .+ \(\+(\d[\d,]*) XP\)")
_LOOT_CREDITS = re.compile(r"Looted (\d[\d,]*) credits? from ")
_QUEST_DONE = re.compile(r"Completed quest: (.+)")


def matches(doc: dict[str, object]) -> bool:
    return not _SIGNATURE.isdisjoint(doc)


def parse(f: Fields) -> Session:
    start, end = session_span(f)
    declared_duration(f)
    session = Session(
        session_id=session_id(f),
        character_name=f.text("character_name"),
        start_time=start,
        end_time=end,
        source_format=FORMAT,
        source_path=f.path,
        mode=f.text("mode"),
        original_keys=list(f.data),
        declared_metrics=f.numbers("performance_metrics"),
    )
    _read_totals(f, session)
    session.locations = ev.records(f, "locations_visited", ev.location_visit, "arrival_time")
    session.messages = ev.records(f, "communication_events", ev.chat_message, "timestamp", "event_type")
    session.encounters = ev.records(f, "player_encounters", ev.player_encounter, "timestamp")
    session.guild_alerts = ev.records(f, "guild_alerts", ev.guild_alert, "timestamp")
    session.afk_periods = ev.records(f, "afk_periods", ev.afk_period, "start_time")
    session.stuck_events = ev.records(f, "stuck_events", ev.stuck_event, "timestamp")
    session.actions = actions(f)
    session.quests = _quests(f, session.actions)
    _derive_from_actions(session)
    return session


def actions(f: Fields) -> list[Action]:
    """The action log, most of a tracker file. An item with text and a time in text is read right here,
    one memo lookup per value; any other goes through ``Fields`` like every other list's items, which
    reads it alike or names the error (``actions[3].time: ...``)."""
    items = f.data.get("actions")
    if type(items) is not list:
        return ev.records(f, "actions", ev.action, "time", "action")
    texts, times = f.shared.texts, f.shared.times
    result = []
    for index, value in enumerate(items):
        if (
            type(value) is dict
            and type(text := value.get("action")) is str
            and type(at := value.get("time")) is str
        ):
            try:
                moment = times[at]
            except ValueError:  # not an ISO time: the general rules below name it
                pass
            else:
                result.append(Action(moment, texts[text]))
                continue
        item = f.item("actions", index, value)
        result.append(ev.action(item, item.time("time"), "action"))
    return result


def _read_totals(f: Fields, session: Session) -> None:
    xp = f.child("xp")
    if xp is not None:
        session.xp_start = xp.integer("start", minimum=0, maximum=MAX_TOTAL)
        session.xp_end = xp.integer("end", minimum=0, maximum=MAX_TOTAL)
        session.xp_gained = xp.integer("gained", minimum=0, maximum=MAX_XP)
    credits = f.child("credits")
    if credits is not None:
        session.credits_start = credits.integer("start", minimum=-MAX_TOTAL, maximum=MAX_TOTAL)
        session.credits_end = credits.integer("end", minimum=-MAX_TOTAL, maximum=MAX_TOTAL)
        session.credits_gained = credits.integer("gained", minimum=-MAX_TOTAL, maximum=MAX_TOTAL)


def _quests(f: Fields, actions: list[Action]) -> list[QuestCompletion]:
    """Quest names as declared, timed by the first "Completed quest: NAME" action when there is one."""
    completed_at: dict[str, datetime | None] = {}
    for act in actions:
        found = _QUEST_DONE.fullmatch(act.text) if act.text.startswith("Completed") else None
        if found:
            completed_at.setdefault(found.group(1).strip(), act.timestamp)
    quests = []
    for index, name in enumerate(f.strings("quests_completed")):
        if not name.strip():
            f.fail(f"quests_completed[{index}]", "is empty; a quest needs a name")
        quests.append(QuestCompletion(timestamp=completed_at.get(name.strip()), quest_name=name))
    return quests


def _derive_from_actions(session: Session) -> None:
    seen: dict[str, tuple[bool, int] | None] = {}  # text → (XP?, amount): a log repeats a few thousand lines
    for act in session.actions:
        text = act.text
        if text not in seen:
            if len(seen) >= MEMO_LIMIT:
                seen.clear()
            seen[text] = _gain(text)
        gain = seen[text]
        if gain is None:
            continue
        if gain[0]:
            session.xp_gains.append(XPGain(timestamp=act.timestamp, amount=gain[1], source="combat"))
        else:
            session.credit_changes.append(
                CreditChange(timestamp=act.timestamp, amount=gain[1], source="other")
            )
    if session.xp_gains or session.credit_changes:
        session.extra["events_derived_from_actions"] = True


def _gain(text: str) -> tuple[bool, int] | None:
    """(True, XP) for a kill, (False, credits) for looted credits, within the sane ranges; else None."""
    kill = _KILL.fullmatch(text) if text.startswith("Killed ") else None  # the prefix tests spare the
    loot = _LOOT_CREDITS.match(text) if text.startswith("Looted ") else None  # regexes most lines
    if kill and (xp := _amount(kill)) <= MAX_XP:
        return True, xp
    if loot and (credits := _amount(loot)) <= MAX_TOTAL:
        return False, credits
    return None


def _amount(found: re.Match[str]) -> int:
    return int(found.group(1).replace(",", ""))
