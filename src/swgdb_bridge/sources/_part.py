"""A *part*: what one file of the MS11 bot says about one play session, before assembly.

The bot scatters one evening over many files (step log, credit log, XP tracking, combat log, ...), each
holding a few facts and often no complete time window. A reader therefore does not build a
:class:`~swgdb_bridge.model.Session` (which needs a start and an end) but a :class:`Part`: the facts it
found, the names of those facts (``facts``), and whatever the file says about *when* (a window, a single
moment, or an id that names the start time). ``swgdb_bridge.assemble`` groups parts into sessions.

Also here: the two other outcomes of reading a bot file, :class:`LifetimeTotals` (cumulative state with no
times, never a session) and :class:`PartFileError` (a session file we could not read, naming the format it
was taken for).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from swgdb_bridge.errors import SessionFileError
from swgdb_bridge.model import (
    Action,
    ChatMessage,
    CreditBalance,
    HeroicLoot,
    LocationVisit,
    QuestCompletion,
    XPGain,
)

# Names of the facts a part can carry (``Part.facts``); assembly picks each fact from one part.
FACTS = (
    "start",
    "end",
    "character",
    "xp_total",
    "xp_counter",
    "xp_events",
    "xp_by_skill",
    "credits_total",
    "credit_counter",
    "credit_curve",
    "quests",
    "quest_count",
    "places",
    "kills",
    "heroic_loot",
    "messages",
    "actions",
    "notes",
)


class PartFileError(SessionFileError):
    """A session file that could not be read, with the format it was taken for."""

    def __init__(self, path: Path | str, reason: str, field: str | None = None, format: str = "unknown"):
        self.format = format
        super().__init__(path, f"read as {format}: {reason}", field)

    @classmethod
    def wrap(cls, exc: SessionFileError, format: str) -> PartFileError:
        if isinstance(exc, PartFileError):
            return exc
        return cls(exc.path, exc.reason, exc.field, format)


# A fact whose Part field has another name (the rest are held in the field of their own name).
_HELD_IN = {"places": "locations"}


@dataclass(slots=True)
class Part:
    """The facts one file holds about one play session. Empty fields are facts the file does not have."""

    path: Path
    format: str
    digest: str = ""
    start: datetime | None = None  # when the session began, as the file states it
    end: datetime | None = None  # when it ended (or when the file was last written for it)
    id_time: datetime | None = (
        None  # the start time an id names (``dual_1754766000``, ``..._20250809_190000``)
    )
    ids: tuple[str, ...] = ()  # the session ids the file names, as written
    character: str | None = None
    mode: str | None = None
    xp_total: int | None = None  # the total this file states (or sums) for the session
    xp_start: int | None = None  # the game's XP counter at start / end, when the file has it
    xp_end: int | None = None
    xp_events: list[XPGain] = field(default_factory=list)
    xp_by_skill: dict[str, int] = field(default_factory=dict)
    credits_total: int | None = None
    credits_start: int | None = None
    credits_end: int | None = None
    credit_curve: list[CreditBalance] = field(default_factory=list)
    quests: list[QuestCompletion] = field(default_factory=list)
    quest_count: int | None = None  # completions the file counts without naming them
    locations: list[LocationVisit] = field(default_factory=list)
    kills: dict[str, int] = field(default_factory=dict)
    heroic_loot: list[HeroicLoot] = field(default_factory=list)
    messages: list[ChatMessage] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)
    facts: set[str] = field(default_factory=set)
    # Facts the reader worked out from a file that leaves them open (a credit log with no start balance):
    # assembly takes a figure another file states before them.
    guessed: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    truncated: bool = False
    # The bot's files hold the machine's naive local time, except a few writers' Unix times (``time.time()``,
    # ``utcnow()``): ``unix_clock`` marks a part whose start, end and XP events are such true UTC times;
    # ``clock_offset`` is local time minus UTC where a file holds both clocks for one moment. Assembly moves
    # Unix times onto the local clock with it (``assemble._clock``).
    unix_clock: bool = False
    clock_offset: timedelta | None = None
    index_in_file: int = 0  # position among the parts of one file (a file can hold several sessions)

    def has(self, fact: str) -> bool:
        return fact in self.facts

    def carry(self, *names: str) -> None:
        """Record that this part holds the facts ``names`` (each must be one of :data:`FACTS`)."""
        for name in names:
            assert name in FACTS, name
        self.facts.update(names)

    def carry_present(self, *names: str) -> None:
        """:meth:`carry` each of ``names`` whose list or mapping the reader actually filled."""
        self.carry(*(name for name in names if getattr(self, _HELD_IN.get(name, name))))

    @property
    def window(self) -> tuple[datetime, datetime] | None:
        """The span this part covers, when it knows at least one moment (a point is a zero-length span)."""
        first = self.start or self.id_time or self.end
        last = self.end or self.start or self.id_time
        if first is None or last is None:
            return None
        return (min(first, last), max(first, last))

    @property
    def quest_names(self) -> set[str]:
        return {q.quest_name.strip().lower() for q in self.quests if q.quest_name.strip()}


@dataclass(frozen=True, slots=True)
class LifetimeTotals:
    """Cumulative counters the bot keeps across all sessions (``session_state.json``): never a session."""

    path: Path
    format: str
    totals: dict[str, object]


_STAMP = re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})[_T-]?(\d{2})(\d{2})(\d{2})(?!\d)")
_EPOCH = re.compile(r"(?<!\d)(1[5-9]\d{8})(?:\.\d+)?(?!\d)")
_MIN_EPOCH = datetime(2017, 1, 1, tzinfo=UTC).timestamp()
_MAX_EPOCH = datetime(2040, 1, 1, tzinfo=UTC).timestamp()


def time_named_by(identifier: str) -> datetime | None:
    """The start time an id names: ``..._20250809_190000`` (local time, taken as UTC) or ``..._1754766000``.

    The bot builds most of its session ids from the clock at start (``strftime('%Y%m%d_%H%M%S')`` or
    ``int(time.time())``); ids from ``uuid4`` name no time and give ``None``.
    """
    stamp = _STAMP.search(identifier)
    if stamp:
        try:
            return datetime(*map(int, stamp.groups()), tzinfo=UTC)  # type: ignore[misc]
        except ValueError:
            return None
    epoch = _EPOCH.search(identifier)
    if epoch:
        seconds = float(epoch.group(1))
        if _MIN_EPOCH <= seconds <= _MAX_EPOCH:
            return datetime.fromtimestamp(seconds, UTC)
    return None


def names_unix_time(identifier: str) -> bool:
    """Whether the time :func:`time_named_by` reads from ``identifier`` is Unix time (true UTC), not a
    local ``%Y%m%d_%H%M%S`` stamp."""
    return _STAMP.search(identifier) is None and _EPOCH.search(identifier) is not None


def looks_like_epoch(value: float | None) -> bool:
    """A number in the range of Unix timestamps of the bot's era (2017–2040): not an XP or credit figure."""
    return value is not None and _MIN_EPOCH <= value <= _MAX_EPOCH


# Planets of Star Wars Galaxies, and the main cities of each: game facts, used to tell a planet from a
# zone or a space sector, and to place a city the legacy logs name without its planet.
PLANETS = {
    name.lower(): name
    for name in (
        "Corellia",
        "Dantooine",
        "Dathomir",
        "Endor",
        "Lok",
        "Naboo",
        "Rori",
        "Talus",
        "Tatooine",
        "Yavin 4",
        "Kashyyyk",
        "Mustafar",
    )
}
_CITIES = {
    "Tatooine": ("Mos Eisley", "Mos Espa", "Mos Entha", "Mos Taike", "Anchorhead", "Bestine", "Wayfar"),
    "Naboo": ("Theed", "Moenia", "Keren", "Kaadara", "Deeja Peak", "Lake Retreat", "Dee'ja Peak"),
    "Corellia": ("Coronet", "Tyrena", "Kor Vella", "Doaba Guerfel", "Bela Vistal", "Vreni Island"),
    "Talus": ("Dearic", "Nashal", "Imperial Outpost"),
    "Rori": ("Narmle", "Restuss", "Rebel Outpost"),
    "Dantooine": ("Mining Outpost", "Agro Outpost", "Imperial Outpost"),
    "Lok": ("Nym's Stronghold",),
    "Dathomir": ("Trade Outpost", "Science Outpost", "Aurilia", "Nightsister Stronghold"),
    "Endor": ("Smuggler Outpost", "Research Outpost"),
    "Yavin 4": ("Labor Outpost", "Mining Outpost"),
    "Kashyyyk": ("Kachirho",),
    "Mustafar": ("Mensix Mining Facility",),
}
CITY_NAMES = tuple(dict.fromkeys(city for cities in _CITIES.values() for city in cities))
"""Every city above: game vocabulary the sanitizer keeps too (``sanitize.gazetteer`` adds them)."""
_CITY_COUNTS: dict[str, int] = {}
for _cities in _CITIES.values():
    for _city in _cities:
        _CITY_COUNTS[_city.lower()] = _CITY_COUNTS.get(_city.lower(), 0) + 1
# a city name found on several planets ("Mining Outpost") places nothing
CITY_PLANETS = {
    city.lower(): planet
    for planet, cities in _CITIES.items()
    for city in cities
    if _CITY_COUNTS[city.lower()] == 1
}


def planet_name(text: str | None) -> str | None:
    """``"tatooine"`` → ``"Tatooine"``; anything that is not a planet (a zone, a sector) → ``None``."""
    if not text:
        return None
    return PLANETS.get(text.strip().lower().replace("_", " "))


def planet_of_city(city: str | None) -> str | None:
    """The planet of a well-known city, or of one named after its planet; ``None`` when the city is unknown
    or shared by several planets."""
    if not city:
        return None
    key = city.strip().lower()
    return CITY_PLANETS.get(key) or _named_after_planet(key)


def _named_after_planet(city: str) -> str | None:
    """The game names many outposts after their planet ("Dantooine Mining Outpost", "Yavin 4 Labor Outpost"),
    which places them even where the bare name ("Mining Outpost") is shared or unknown."""
    for lower, planet in PLANETS.items():
        if city.startswith(lower + " "):
            return planet
    return None
