"""Realistic sample sessions for the demo, the tests and the benchmarks; the same seed gives the same bytes.

One generator (:func:`_records`) plays a session as a stream of model records (an action line, the XP it
earned, a whisper, a player nearby ...). Two writers render that stream: the session tracker's JSON
document (:func:`generate_tracker_session`) and our JSON Lines (:func:`write_jsonl_session`), which streams,
so a 1M-event file never sits in memory; it uses the JSON Lines writer in :mod:`swgdb_bridge.sources`, whose
one table of event types the reader shares.

The chat deliberately carries what the sanitizer must remove: other players' names (some of them ordinary
words, like "Hope"), a password, an e-mail address, an IP address, a phone number, a Windows user folder, a
Discord webhook and a GitHub-style token. All of it is made up.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec

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
from swgdb_bridge.sources import dump_event, record_event, start_event

CHARACTERS = ("Dex Orrin", "Tarkin Vos", "Mira Sol")
PLAYERS = ("Zorvath", "Kelindra", "Drayko", "Vexa Thorn", "Quill", "Hope", "Rook", "Sable")
PLANETS = {
    "Tatooine": ("Mos Eisley", "Anchorhead", "Bestine", "Mos Espa"),
    "Corellia": ("Coronet", "Tyrena", "Kor Vella"),
    "Naboo": ("Theed", "Keren", "Moenia"),
    "Dantooine": ("Imperial Outpost", "Mining Outpost"),
    "Rori": ("Narmle", "Restuss"),
    "Talus": ("Dearic", "Nashal"),
    "Lok": ("Nym's Stronghold",),
    "Endor": ("Research Outpost", "Smuggler Outpost"),
}
CREATURES = {
    "womp rat": 80,
    "kreetle": 60,
    "bantha": 180,
    "nightsister elder": 420,
    "rancor": 650,
    "acklay": 560,
}
NPCS = (
    "Jabba the Hutt",
    "Boba Fett",
    "Lord Nyax",
    "a Jawa trader",
    "a Tusken Raider",
    "Vader's Fist trooper",
)
QUESTS = (
    "Recover the Holocron Fragment",
    "Clear the Tusken Camp",
    "Escort the Jawa Trader",
    "Survey Dantooine Crystals",
    "Deliver Spice to Jabba's Palace",
    "Rescue the Rebel Spy",
)
SKILLS = {
    "marksman": "combat_marksman_rifleman",
    "brawler": "combat_brawler_unarmed",
    "artisan": "crafting_artisan_engineering",
    "medic": "science_medic_novice",
    "scout": "outdoors_scout_novice",
}
ITEMS = ("Krayt Dragon Pearl", "Composite Armor segment", "Rare Crystal", "Stimpack", "Bantha hide")
CHAT_LINES = (
    "LF group for Nightsister stronghold",
    "Need help with the Krayt dragon?",
    "{player} is selling a rifle at the Bestine bazaar",
    "hope you got the loot from {player}'s run",
    "group with {player} and me at {city}?",
    "my password is {password}, can you check my vendor?",
    "mail me at {email} about the armor order",
    "our voice server is {ip}:3784",
    "text me at {phone} when the raid starts",
    "the bot log is in C:\\Users\\{os_user}\\MS11\\logs",
    "post it to https://discord.com/api/webhooks/{digits}/{token}",
    "use my token {github_token} for the guild tool",
)
GUILD_LINES = (
    "Guild meeting tonight at 8 PM",
    "{player} needs crafters for the city project",
    "Raid on Nym's Stronghold at 21:00, meet at {city}",
    "Please welcome {player} to the guild",
)
_CHANNELS = ("whisper", "tell", "group_chat", "guild_chat")
_RECORDS_PER_STEP = 1.9  # what _records yields per tick of the clock, on average
_ALNUM = string.ascii_letters + string.digits


@dataclass(slots=True)
class _Place:
    planet: str
    city: str


# --- the one generator -------------------------------------------------------------------------------------


def _records(rng: random.Random, start: datetime, step: float) -> Iterator[Any]:
    """An endless, plausible session: records in time order; time moves ``step`` seconds per action."""
    now, place = start, _Place("Tatooine", "Mos Eisley")
    yield LocationVisit(timestamp=now, planet=place.planet, city=place.city, purpose="quest_hub")
    while True:
        now += timedelta(seconds=step)
        yield from _happening(rng, now, place)
        if rng.random() < 0.12:
            yield _social(rng, now + timedelta(seconds=rng.uniform(0, step)), place)


def _happening(rng: random.Random, now: datetime, place: _Place) -> Iterator[Any]:
    """One tick of the bot: an action line and what it earned, spent, found or changed."""
    kind = rng.choices(_HAPPENINGS, _WEIGHTS)[0]
    return kind(rng, now, place)


def _kill(rng: random.Random, now: datetime, place: _Place) -> Iterator[Any]:
    creature = rng.choice(list(CREATURES))
    amount = rng.randint(CREATURES[creature] // 2, CREATURES[creature] * 2)
    profession = rng.choice(("marksman", "brawler"))
    yield Action(now, f"Killed {creature} (+{amount} XP)")
    yield XPGain(now, amount, profession, SKILLS[profession], "combat", zone=place.planet.lower())


def _loot_credits(rng: random.Random, now: datetime, place: _Place) -> Iterator[Any]:
    credits = rng.randint(10, 500)
    yield Action(now, f"Looted {credits} credits from {rng.choice(list(CREATURES))}")
    yield CreditChange(now, credits, "other")


def _buy(rng: random.Random, now: datetime, place: _Place) -> Iterator[Any]:
    yield Action(now, "Bought stimpack from vendor")
    yield CreditChange(now, -rng.randint(50, 400), "vendor")


def _craft(rng: random.Random, now: datetime, place: _Place) -> Iterator[Any]:
    yield Action(now, f"Crafted {rng.choice(ITEMS)}")
    yield XPGain(
        now, rng.randint(20, 120), "artisan", SKILLS["artisan"], "crafting", zone=place.planet.lower()
    )


def _quest(rng: random.Random, now: datetime, place: _Place) -> Iterator[Any]:
    quest, reward, zone = rng.choice(QUESTS), rng.randint(200, 1500), place.planet.lower()
    yield Action(now, f"Completed quest: {quest}")
    yield QuestCompletion(now, quest, "mission", "xp", reward, zone)
    yield XPGain(now, reward, "scout", SKILLS["scout"], "quest", quest_name=quest, zone=zone)


def _travel(rng: random.Random, now: datetime, place: _Place) -> Iterator[Any]:
    place.planet = rng.choice(list(PLANETS))
    place.city = rng.choice(PLANETS[place.planet])
    yield Action(now, f"Traveled to {place.planet}")
    yield LocationVisit(now, place.planet, place.city, _coordinates(rng), purpose=rng.choice(_PURPOSES))


def _loot_item(rng: random.Random, now: datetime, place: _Place) -> Iterator[Any]:
    item = rng.choice(ITEMS)
    yield Action(now, f"Looted {item}")
    yield LootDrop(now, item, place.planet.lower())


def _chore(rng: random.Random, now: datetime, place: _Place) -> Iterator[Any]:
    yield Action(now, _flavour(rng, place))


_HAPPENINGS = (_kill, _loot_credits, _buy, _craft, _quest, _travel, _loot_item, _chore)
_WEIGHTS = (22, 14, 8, 10, 6, 4, 6, 30)
_PURPOSES = ("quest_hub", "combat_grinding", "crafting_hub", "travel")


def _flavour(rng: random.Random, place: _Place) -> str:
    return rng.choice(
        (
            "Healed self",
            f"Spoke with {rng.choice(NPCS)}",
            f"Waypoint reached near {place.city}",
            f"Accepted quest: {rng.choice(QUESTS)}",
            f"Trained skill at {place.city} trainer",
            f"Grouped with {rng.choice(PLAYERS)}",
        )
    )


def _social(rng: random.Random, now: datetime, place: _Place) -> Any:
    roll = rng.random()
    where = f"{place.planet} - {place.city}"
    if roll < 0.45:
        channel = rng.choice(_CHANNELS)
        return ChatMessage(
            now, channel, rng.choice(PLAYERS), _line(rng, CHAT_LINES, place), rng.random() < 0.5
        )
    if roll < 0.75:
        interaction = rng.choice(("detected", "whispered", "grouped"))
        return PlayerEncounter(now, rng.choice(PLAYERS), where, round(rng.uniform(3, 90), 1), interaction)
    if roll < 0.85:
        sender = rng.choice(PLAYERS)
        return GuildAlert(
            now, sender, _line(rng, GUILD_LINES, place), "guild_whisper", "medium", True, "Will be there!"
        )
    if roll < 0.93:
        minutes = rng.randint(2, 10)
        reason = rng.choice(("bio_break", "phone", "door"))
        return AfkPeriod(now, now + timedelta(minutes=minutes), float(minutes), reason)
    return StuckEvent(
        now, where, rng.choice(("path_blocked", "terrain", "door")), float(rng.randint(10, 120))
    )


def _line(rng: random.Random, templates: tuple[str, ...], place: _Place) -> str:
    name = rng.choice(PLAYERS)
    return rng.choice(templates).format(
        player=name,
        city=place.city,
        password=rng.choice(("hunter2", "Tr0ub4dor&3", "swordfish77")),
        email=f"{name.split()[0].lower()}.{rng.randint(1, 99)}@example.com",
        ip=f"203.0.113.{rng.randint(1, 254)}",
        phone=f"+1 555-01{rng.randint(10, 99)}",
        os_user=rng.choice(("dexter", "mira.s", "tv_admin")),
        digits=rng.randint(10**17, 10**18),
        token="".join(rng.choices(_ALNUM + "-_", k=68)),
        github_token="ghp_" + "".join(rng.choices(_ALNUM, k=36)),
    )


def _coordinates(rng: random.Random) -> tuple[float, float]:
    return (float(rng.randint(-7000, 7000)), float(rng.randint(-7000, 7000)))


def _session_start(rng: random.Random, index: int) -> tuple[datetime, float]:
    """A start time in October 2026 (naive, as the bot writes it) and a duration of one to five hours."""
    start = datetime(2026, 10, 1, 18) + timedelta(days=index % 365, minutes=rng.randrange(0, 300))
    return start, rng.randint(60, 300) * 60.0


# --- the tracker's JSON document ---------------------------------------------------------------------------


def generate_tracker_session(
    rng: random.Random, *, index: int = 0, n_actions: int = 62, character_name: str | None = None
) -> dict[str, Any]:
    """One session in the session tracker's shape, with ``n_actions`` action lines (at least 2)."""
    n_actions = max(2, n_actions)
    start, duration = _session_start(rng, index)
    name = character_name or rng.choice(CHARACTERS)
    doc = _TrackerDoc(start)
    body = _records(rng, start, duration / (n_actions - 1))
    doc.add(Action(start, "Session started"))
    while len(doc.actions) < n_actions - 1:
        doc.add(next(body))
    end = start + timedelta(seconds=duration)
    doc.add(Action(end, "Session ended"))
    return doc.render(rng, name, index, end)


class _TrackerDoc:
    """Collects generated records into the tracker's lists and totals."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.actions: list[dict[str, Any]] = []
        self.lists: dict[str, list[dict[str, Any]]] = {key: [] for key in _TRACKER_LISTS.values()}
        self.quests: list[str] = []
        self.xp = 0
        self.credits = 0

    def add(self, record: Any) -> None:
        if isinstance(record, Action):
            self.actions.append({"time": _naive(record.timestamp), "action": record.text})
        elif isinstance(record, XPGain):
            self.xp += record.amount
        elif isinstance(record, CreditChange):
            self.credits += record.amount
        elif isinstance(record, QuestCompletion):
            if record.quest_name not in self.quests:
                self.quests.append(record.quest_name)
        elif type(record) in _TRACKER_LISTS:
            self.lists[_TRACKER_LISTS[type(record)]].append(_tracker_item(record))

    def render(self, rng: random.Random, name: str, index: int, end: datetime) -> dict[str, Any]:
        minutes = round((end - self.start).total_seconds() / 60, 2)
        xp_start, credits_start = rng.randint(10_000, 900_000), rng.randint(100_000, 4_000_000)
        _close_tracker_visits(self.lists["locations_visited"], end)
        return {
            "session_id": f"session_{self.start:%Y%m%d_%H%M%S}_{index:04d}",
            "character_name": name,
            "start_time": _naive(self.start),
            "end_time": _naive(end),
            "duration_minutes": minutes,
            "mode": rng.choice(("combat", "quest", "crafting", "medic")),
            "xp": {"start": xp_start, "end": xp_start + self.xp, "gained": self.xp},
            "credits": {"start": credits_start, "end": credits_start + self.credits, "gained": self.credits},
            "quests_completed": self.quests,
            **self.lists,
            "actions": self.actions,
            "performance_metrics": {"session_duration_minutes": minutes, "total_actions": len(self.actions)},
        }


_TRACKER_LISTS = {
    LocationVisit: "locations_visited",
    ChatMessage: "communication_events",
    PlayerEncounter: "player_encounters",
    GuildAlert: "guild_alerts",
    AfkPeriod: "afk_periods",
    StuckEvent: "stuck_events",
}
_TRACKER_KEYS = {"channel": "event_type", "departure": "departure_time"}


def _tracker_item(record: Any) -> dict[str, Any]:
    """A record under the tracker's key names (``arrival_time`` for a visit's time, ``event_type`` ...)."""
    item = {}
    for spec in msgspec.structs.fields(record):
        value = getattr(record, spec.name)
        key = _TRACKER_KEYS.get(spec.name, spec.name)
        if isinstance(record, LocationVisit) and key == "timestamp":
            key = "arrival_time"
        item[key] = (
            _naive(value)
            if isinstance(value, datetime)
            else list(value)
            if isinstance(value, tuple)
            else value
        )
    return item


def _close_tracker_visits(visits: list[dict[str, Any]], end: datetime) -> None:
    for visit, following in zip(visits, [*visits[1:], None], strict=False):
        departure = datetime.fromisoformat(following["arrival_time"]) if following else end
        visit["departure_time"] = _naive(departure)
        arrival = datetime.fromisoformat(visit["arrival_time"])
        visit["duration_minutes"] = round((departure - arrival).total_seconds() / 60, 2)


def _naive(moment: datetime | None) -> str | None:
    """The tracker writes local-less ISO timestamps; readers take them as UTC."""
    return None if moment is None else moment.replace(tzinfo=None).isoformat()


# --- JSON Lines --------------------------------------------------------------------------------------------


def write_jsonl_session(
    path: Path, rng: random.Random, n_events: int, *, index: int = 0, character_name: str | None = None
) -> Path:
    """A generated session of exactly ``n_events`` lines (at least 2), written as a stream."""
    n_events = max(2, n_events)
    start, duration = _session_start(rng, index)
    session_id = f"jsonl_{start:%Y%m%d_%H%M%S}_{index:04d}"
    body = _records(rng, start, duration * _RECORDS_PER_STEP / n_events)
    last = start
    with Path(path).open("wb") as out:
        out.write(
            dump_event(start_event(session_id, character_name or rng.choice(CHARACTERS), start, None, None))
        )
        for _ in range(n_events - 2):
            record = next(body)
            event = record_event(record, last)
            last = event["ts"]
            out.write(dump_event(event))
        out.write(dump_event({"type": "session_end", "ts": max(last, start)}))
    return Path(path)
