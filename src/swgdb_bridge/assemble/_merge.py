"""Merge the parts of one play session into one :class:`~swgdb_bridge.model.Session`.

Each fact is taken from ONE part, the first in :data:`PRECEDENCE` that carries it (several files measure the
same XP: the step log, the XP tracking actions, the XP-per-action list and the export; summing them would
count it four times). Another part that states a different value does not change the figure: it becomes a
warning on the session. Only facts that are collections by nature are united across parts: planets and chat
lines each once; quest completions and heroic loot drops as often as the one part that lists them most often
(a part lists each it saw, and other parts repeat them). A value a part states but that cannot be true (XP
equal to the session's length in seconds, an XP rate no player reaches) is set aside with a warning, and the
next part in line is used. Every file is listed in ``Session.sources`` with the facts taken from it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import datetime, timedelta
from typing import TypeVar

from swgdb_bridge.model import (
    ChatMessage,
    CreditBalance,
    HeroicLoot,
    LocationVisit,
    QuestCompletion,
    Session,
    SourceRef,
    XPGain,
)
from swgdb_bridge.sources import Part, names_unix_time, planet_name

from ._group import Group, is_copy

T = TypeVar("T")

_TIMES = (
    "legacy_session",
    "step_log",
    "xp_tracking",
    "combat_log",
    "xp_export",
    "tracker",
    "jsonl",
    "character_sessions",
    "loot_farming",
    "credit_log",
    "ingest_store",
    "space_quest",
    "dual_session",
    "xp_history",
)
# fact → formats, most trusted first (docs/session-format.md has the same table, with the reasons)
PRECEDENCE: dict[str, tuple[str, ...]] = {
    "start": _TIMES,
    "end": _TIMES,
    "character": (
        "xp_tracking",
        "tracker",
        "jsonl",
        "character_sessions",
        "loot_farming",
        "xp_export",
        "dual_session",
        "heroic_loot",
    ),
    "xp_total": (
        "xp_export",
        "step_log",
        "xp_tracking",
        "legacy_session",
        "xp_actions",
        "tracker",
        "jsonl",
        "character_sessions",
        "ingest_store",
        "xp_history",
    ),
    "xp_events": ("xp_export", "xp_tracking", "step_log", "tracker", "jsonl", "legacy_session", "xp_actions"),
    "xp_by_skill": ("xp_tracking", "xp_export"),
    "xp_counter": ("legacy_session", "xp_actions", "xp_tracking", "tracker", "jsonl"),
    "credits_total": (
        "credit_log",
        "legacy_session",
        "tracker",
        "jsonl",
        "character_sessions",
        "ingest_store",
    ),
    "credit_counter": ("credit_log", "legacy_session", "tracker", "jsonl"),
    "credit_curve": ("credit_log",),
    "quests": ("step_log", "xp_actions", "tracker", "jsonl", "legacy_session", "xp_export"),
    "places": (
        "step_log",
        "tracker",
        "jsonl",
        "character_sessions",
        "legacy_session",
        "ingest_store",
        "xp_export",
    ),
    "kills": ("combat_log", "step_log", "legacy_session", "xp_actions", "tracker", "jsonl"),
}
IDENTICAL_COPY = "identical_copy"  # what a byte-identical copy of a counted file lends the session: nothing
MAX_XP_PER_HOUR = 500_000  # far above what any SWG activity gives; a higher rate is a wrong figure
SHORT = timedelta(seconds=60)
SAME_MOMENT = timedelta(seconds=2)  # two writers stamp one moment a little apart
TIME_CONFLICT = timedelta(minutes=5)


def rank(fact: str, part: Part) -> int:
    order = PRECEDENCE.get(fact, ())
    return order.index(part.format) if part.format in order else len(order)


def carriers(fact: str, parts: list[Part]) -> list[Part]:
    """The parts holding ``fact``, most trusted first: a figure a file states before one its reader had to
    guess (``Part.guessed``), whatever the formats; then a whole file before one cut off mid-write (the bot
    stopped while writing it: it holds only what came before the cut); of one format, the bot's file before a
    copy of it (an older snapshot must not speak for the session), then by path, so the order of discovery
    never matters."""
    return sorted(
        (p for p in parts if p.has(fact)),
        key=lambda p: (
            fact in p.guessed,
            p.truncated,
            rank(fact, p),
            is_copy(p.path),
            str(p.path),
            p.index_in_file,
        ),
    )


class Merger:
    """Builds one session from one group, recording what was taken from which part and every conflict."""

    def __init__(self, group: Group) -> None:
        self.parts = group.parts
        self.warnings: list[str] = list(group.warnings)
        self.taken: dict[int, list[str]] = {id(p): [] for p in self.parts}
        self.copies = group.copies

    def take(self, fact: str, part: Part) -> None:
        self.taken[id(part)].append(fact)

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def build(self) -> Session:
        start, end = self._window()
        session = Session(
            session_id="",
            character_name=self._character(),
            start_time=start,
            end_time=end,
            source_format="assembled",
        )
        for part in self.parts:
            for text in part.warnings:
                self.warn(text)
        self._xp(session)
        self._credits(session)
        self._quests(session)
        self._places(session)
        self._kills(session)
        self._sets(session)
        self._whole_session_extras(session)
        session.warnings = self.warnings
        session.truncated = any(p.truncated for p in self.parts)
        session.sources = self._sources()
        session.source_path = session.sources[0].path if session.sources else None
        session.mode = next((p.mode for p in carriers("start", self.parts) + self.parts if p.mode), None)
        return session

    # -- times and character -------------------------------------------------------------------------

    def _window(self) -> tuple[datetime, datetime]:
        start = self._moment("start")
        end = self._moment("end")
        window = [w for p in self.parts if (w := p.window) is not None]
        start = start or _named_start(self.parts) or min(w[0] for w in window)
        end = end or max(w[1] for w in window)
        if end < start:
            self.warn(
                f"the files disagree on the times: end {end.isoformat()} before start {start.isoformat()}"
            )
            end = start
        if end - start < SHORT and not self._stated_by_two_writers(start, end):
            self.warn(f"session lasts {(end - start).total_seconds():.0f} s: its times are probably wrong")
        return start, end

    def _stated_by_two_writers(self, start: datetime, end: datetime) -> bool:
        """Files of two writers that each state both ends alike: a run the player stopped at once, not times
        gone wrong (a lone file of one second, as the committed samples, still is)."""
        writers = {
            p.format
            for p in self.parts
            if p.has("start") and p.has("end") and p.start and p.end
            if abs(p.start - start) <= SAME_MOMENT and abs(p.end - end) <= SAME_MOMENT
        }
        return len(writers) >= 2

    def _moment(self, fact: str) -> datetime | None:
        holders = carriers(fact, self.parts)
        if not holders:
            return None
        best = holders[0]
        value = best.start if fact == "start" else best.end
        if value is None:
            return None
        self.take(fact, best)
        for other in holders[1:]:
            theirs = other.start if fact == "start" else other.end
            if theirs is not None and abs(theirs - value) > TIME_CONFLICT:
                self.warn(
                    f"{fact}: {value.isoformat()} from {best.format} ({best.path.name}) but "
                    f"{theirs.isoformat()} from {other.format} ({other.path.name})"
                )
        return value

    def _character(self) -> str | None:
        holders = carriers("character", self.parts)
        if not holders:
            return None
        self.take("character", holders[0])
        for other in holders[1:]:
            if other.character != holders[0].character:
                self.warn(
                    f"character: {holders[0].character!r} from {holders[0].format} but "
                    f"{other.character!r} from {other.format} ({other.path.name})"
                )
        return holders[0].character

    # -- XP ----------------------------------------------------------------------------------------

    def _xp(self, session: Session) -> None:
        total_from = self._pick_total(session, "xp_total", "xp_total", "XP")
        if total_from is not None:
            session.xp_gained = total_from.xp_total
        events = self._first("xp_events")
        if events is not None:
            session.xp_gains = [_copy_gain(g) for g in events.xp_events]
        counter = self._first("xp_counter")
        if counter is not None:
            session.xp_start, session.xp_end = counter.xp_start, counter.xp_end
        skills = self._first("xp_by_skill")
        if skills is not None:
            session.xp_by_skill = dict(skills.xp_by_skill)
        elif session.xp_gains:
            session.xp_by_skill = _by_skill(session.xp_gains)

    def _pick_total(self, session: Session, fact: str, attr: str, label: str) -> Part | None:
        """The most trusted plausible total; the others are compared with it, and differences are warned."""
        chosen: Part | None = None
        for part in carriers(fact, self.parts):
            value = getattr(part, attr)
            if value is None:
                continue
            why = self._implausible(part, value, session) if label == "XP" else None
            if why:
                self.warn(f"{label} {value:,} from {part.format} ({part.path.name}) set aside: {why}")
                continue
            if chosen is None:
                chosen = part
                self.take(fact, part)
            elif value != getattr(chosen, attr):
                self.warn(
                    f"{label}: {getattr(chosen, attr):,} from {chosen.format} ({chosen.path.name}) but "
                    f"{value:,} from {part.format} ({part.path.name}); kept {getattr(chosen, attr):,}"
                )
        return chosen

    def _implausible(self, part: Part, value: int, session: Session) -> str | None:
        spans = {round((session.end_time - session.start_time).total_seconds())}
        if part.start is not None and part.end is not None:
            spans.add(round((part.end - part.start).total_seconds()))
        if (
            value >= 600
            and any(abs(value - span) <= 2 for span in spans)
            and self._contradicted("xp", part, value)
        ):
            return "it equals the session's length in seconds (a timestamp taken for XP)"
        hours = session.duration_minutes / 60
        if hours >= 0.25 and value / hours > MAX_XP_PER_HOUR:
            return f"{value / hours:,.0f} XP/h is more than the game gives"
        return None

    def _contradicted(self, label: str, part: Part, value: int) -> bool:
        """Another figure for the same XP disagrees: this part's own actions, or another file's total."""
        own = sum(e.amount for e in part.xp_events)
        if part.xp_events and own != value:
            return True
        return any(other.xp_total not in (None, value) for other in carriers("xp_total", self.parts))

    def _first(self, fact: str) -> Part | None:
        holders = carriers(fact, self.parts)
        if holders:
            self.take(fact, holders[0])
            return holders[0]
        return None

    # -- credits -----------------------------------------------------------------------------------

    def _credits(self, session: Session) -> None:
        chosen = self._pick_total(session, "credits_total", "credits_total", "credits")
        if chosen is not None:
            session.credits_gained = chosen.credits_total
        counter = self._first("credit_counter")
        if counter is not None:
            session.credits_start, session.credits_end = counter.credits_start, counter.credits_end
            if "credit_counter" in counter.guessed and chosen is not None and chosen is not counter:
                # the end balance was read; the start was guessed, the total another file states
                session.credits_start = counter.credits_end - chosen.credits_total
        curve = self._first("credit_curve")
        if curve is not None:
            session.credit_curve = [CreditBalance(c.timestamp, c.balance) for c in curve.credit_curve]
        elif session.credits_start is not None and session.credits_end is not None:
            session.credit_curve = [
                CreditBalance(session.start_time, session.credits_start),
                CreditBalance(session.end_time, session.credits_end),
            ]

    # -- quests, places, kills ---------------------------------------------------------------------

    def _quests(self, session: Session) -> None:
        """Each part lists every completion it saw, so one name listed three times is a quest done three
        times (a repeatable bounty), not one; parts repeat each other, so per name the part that saw it most
        often gives the completions and one that saw it as often fills in missing times."""
        chosen: dict[Hashable, list[QuestCompletion]] = {}
        for part in carriers("quests", self.parts):
            for key, runs in _same(part.quests, _quest_key).items():
                mine = chosen.get(key, [])
                if len(runs) > len(mine):
                    chosen[key] = [_copy_quest(q) for q in runs]
                    self.take("quests", part)
                elif len(runs) == len(mine):
                    _fill_times(mine, runs)
        quests = [q for runs in chosen.values() for q in runs]
        session.quests = sorted(
            quests, key=lambda q: (q.timestamp is None, q.timestamp or session.start_time)
        )
        counts = [
            (p.quest_count, p) for p in carriers("quest_count", self.parts) if p.quest_count is not None
        ]
        most = max((c for c, _ in counts), default=0)
        if most > len(session.quests):
            session.declared_metrics["quests_completed"] = float(most)
            self.take("quest_count", next(p for c, p in counts if c == most))
        elif session.quests:
            session.declared_metrics["quests_completed"] = float(len(session.quests))

    def _places(self, session: Session) -> None:
        holders = carriers("places", self.parts)
        if not holders:
            return
        session.locations = [_copy_visit(v) for v in holders[0].locations]
        self.take("places", holders[0])
        known = {v.planet.lower() for v in session.locations}
        for part in holders[1:]:
            for visit in part.locations:
                planet = planet_name(visit.planet) or visit.planet
                if planet.lower() not in known:
                    known.add(planet.lower())
                    session.locations.append(LocationVisit(visit.timestamp, planet, visit.city))
                    self.take("places", part)

    def _kills(self, session: Session) -> None:
        holders = carriers("kills", self.parts)
        if not holders:
            return
        best = holders[0]
        session.kills = dict(best.kills)
        self.take("kills", best)
        total = sum(best.kills.values())
        for other in holders[1:]:
            theirs = sum(other.kills.values())
            if theirs != total:
                self.warn(
                    f"kills: {total} from {best.format} ({best.path.name}) but {theirs} from "
                    f"{other.format} ({other.path.name}); kept {total}"
                )

    # -- facts that are sets -----------------------------------------------------------------------

    def _sets(self, session: Session) -> None:
        loot: dict[Hashable, list[HeroicLoot]] = {}
        for part in carriers("heroic_loot", self.parts):
            for key, drops in _same(part.heroic_loot, _loot_key).items():
                if len(drops) > len(loot.get(key, [])):  # the same drop twice in one list: two drops
                    loot[key] = [_copy_loot(item) for item in drops]
                    self.take("heroic_loot", part)
        session.heroic_loot = sorted(
            (item for drops in loot.values() for item in drops),
            key=lambda i: (i.timestamp or session.start_time, i.item),
        )
        messages: dict[tuple[object, ...], ChatMessage] = {}
        for part in carriers("messages", self.parts):
            for message in part.messages:
                messages.setdefault((message.timestamp, message.sender, message.message), message)
                self.take("messages", part)
        session.messages = list(messages.values())
        for fact in ("actions", "notes"):
            holders = carriers(fact, self.parts)
            if holders:
                setattr(session, fact, list(getattr(holders[0], fact)))
                self.take(fact, holders[0])

    def _whole_session_extras(self, session: Session) -> None:
        """Lists only the single-file formats have (AFK, encounters, ...), from the first such part."""
        for part in self.parts:
            whole = part.extra.get("session")
            if isinstance(whole, Session):
                for name in ("afk_periods", "stuck_events", "encounters", "guild_alerts", "loot"):
                    if getattr(whole, name) and not getattr(session, name):
                        setattr(session, name, list(getattr(whole, name)))
                        self.take(name, part)
        for part in self.parts:
            for key, value in part.metrics.items():
                session.declared_metrics.setdefault(f"{part.format}.{key}", float(value))

    def _sources(self) -> list[SourceRef]:
        refs = [
            SourceRef(
                p.path, p.format, tuple(dict.fromkeys(self.taken[id(p)])), p.digest or None, p.truncated
            )
            for p in self.parts
        ]
        refs += [
            SourceRef(c.path, c.format, (IDENTICAL_COPY,), c.digest or None, c.truncated) for c in self.copies
        ]
        unique: dict[tuple[str, str, tuple[str, ...]], SourceRef] = {}
        for ref in refs:
            key = (str(ref.path), ref.format, ref.taken)
            if key not in unique:
                unique[key] = ref
        return _merge_refs(list(unique.values()))


def _named_start(parts: list[Part]) -> datetime | None:
    """The start the files' names give, on the machine's clock when any name is.

    The bot names files by the start: ``credits_<%Y%m%d_%H%M%S>`` on the machine's local clock, like every
    other time we keep, and ``dual_<n>`` in Unix time. With no file that holds both clocks (``_clock``), a
    Unix name stays off by the machine's offset: east of UTC, hours before the session's local start, and
    the earliest name would start the session there. On a UTC machine the two agree.
    """
    named = [(p.id_time, p) for p in parts if p.id_time is not None]
    local = [time for time, p in named if not any(names_unix_time(ident) for ident in p.ids)]
    return min(local or [time for time, _ in named], default=None)


def _merge_refs(refs: list[SourceRef]) -> list[SourceRef]:
    """One entry per file (a file can give several parts), sorted by path."""
    by_path: dict[str, SourceRef] = {}
    for ref in sorted(refs, key=lambda r: str(r.path)):
        seen = by_path.get(str(ref.path))
        if seen is None:
            by_path[str(ref.path)] = ref
        else:
            taken = tuple(dict.fromkeys(seen.taken + ref.taken))
            by_path[str(ref.path)] = SourceRef(seen.path, seen.format, taken, seen.digest, seen.truncated)
    return list(by_path.values())


def _copy_gain(gain: XPGain) -> XPGain:
    return XPGain(
        gain.timestamp, gain.amount, gain.profession, gain.skill, gain.source, gain.quest_name, gain.zone,
        gain.level_before, gain.level_after,
    )  # fmt: skip


def _same(items: Iterable[T], key: Callable[[T], Hashable]) -> dict[Hashable, list[T]]:
    """A part's records by what makes two of them the same (falsy keys dropped), in the part's order: a
    part lists each event it saw, so n equal records there are n events, which other parts may repeat."""
    found: dict[Hashable, list[T]] = {}
    for item in items:
        if k := key(item):
            found.setdefault(k, []).append(item)
    return found


def _quest_key(quest: QuestCompletion) -> str:
    return quest.quest_name.strip().lower()


def _loot_key(item: HeroicLoot) -> tuple[object, ...]:
    return (item.timestamp, item.item, item.boss, item.instance, item.quantity)


def _copy_quest(quest: QuestCompletion) -> QuestCompletion:
    return QuestCompletion(
        quest.timestamp, quest.quest_name.strip(), quest.quest_type, quest.reward_type, quest.reward_amount,
        quest.zone,
    )  # fmt: skip


def _copy_loot(item: HeroicLoot) -> HeroicLoot:
    return HeroicLoot(item.timestamp, item.item, item.quantity, item.instance, item.boss, item.rarity)


def _fill_times(mine: list[QuestCompletion], theirs: list[QuestCompletion]) -> None:
    """The n-th completion of a name is the n-th in every part that saw it as often: take its time."""
    for quest, other in zip(mine, theirs, strict=True):
        if quest.timestamp is None and other.timestamp is not None:
            quest.timestamp = other.timestamp


def _copy_visit(visit: LocationVisit) -> LocationVisit:
    return LocationVisit(
        visit.timestamp, visit.planet, visit.city, visit.coordinates, visit.departure, visit.duration_minutes,
        visit.purpose,
    )  # fmt: skip


def _by_skill(gains: list[XPGain]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for gain in gains:
        if gain.skill:
            totals[gain.skill] = totals.get(gain.skill, 0) + gain.amount
    return totals
