"""Heroic loot logs ``src/data/loot_logs/heroic_loot_logs_<ts>.json`` (``HeroicsLootTracker.store_loot_data``).

``metadata`` (``generated_at``, ``total_entries``, ``heroic_instances``, ``date_range``) and
``loot_entries``: ``timestamp``, ``player_name`` (the bot's character, from the chat log's ``Player:`` line,
``"Unknown"`` when absent), ``heroic_instance``, ``boss_name``, ``item_name``, ``rarity``, ``quantity``,
``session_id`` (from the chat log's ``Session ID:`` line), ``source_log`` and ``raw_log_line``. A file holds
the recent loot of several sessions (each store re-writes the last day's entries), so entries are grouped
by session into parts, and assembly drops entries it has already seen. ``raw_log_line`` is a line of the
game's chat log (other players' names, tells): never taken, only compared to tell the boss lines apart.

The bot lists every loot line within 10 lines before and 20 after each line naming a heroic boss
(``_parse_session_block``), under that line's time and boss, so a loot line near two boss lines is listed
twice. Two consecutive boss lines' windows overlap at the end of the first and the start of the second: the
longest run of entries that ends one list and starts the next is the same loot lines, kept once (under the
first boss: the log does not say which line was nearer). Repeats inside one list are real drops and stay.
Two lines of the same boss are two kills, and a kill drops something: lines shared by its two lists must
leave at least two drops in all, so one drop listed under each kill of a boss (kills more than 30 log lines
apart, whose windows never meet) is two drops, not one line listed twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from swgdb_bridge.model import HeroicLoot
from swgdb_bridge.sources._fields import Fields
from swgdb_bridge.sources._part import Part, time_named_by

FORMAT = "heroic_loot"
_UNKNOWN = {"", "unknown", "none"}


def matches(doc: object) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("loot_entries"), list) and "metadata" in doc


def parse(f: Fields) -> list[Part]:
    groups: dict[str, list[tuple[HeroicLoot, str | None]]] = {}
    for entry in _listed_once(f.items("loot_entries")):
        key = entry.text("session_id") or entry.text("source_log") or ""
        groups.setdefault(key, []).append((_item(entry), _player(entry)))
    return [_part(f, key, items) for key, items in groups.items()]


def _listed_once(entries: Iterable[Fields]) -> list[Fields]:
    """The entries without the loot lines the bot listed again under the next boss line (module docstring)."""
    kept: list[Fields] = []
    previous: list[tuple[Any, ...]] = []
    previous_boss: tuple[Any, ...] | None = None
    for run in _by_boss_line(entries):
        drops = [_drop(entry) for entry in run]
        boss = _boss(run[0])
        least = 2 if boss is not None and boss == previous_boss else 1  # two kills: at least two drops
        shared = next(
            (
                n
                for n in range(min(len(previous), len(drops)), 0, -1)
                if previous[-n:] == drops[:n] and len(previous) + len(drops) - n >= least
            ),
            0,
        )
        kept += run[shared:]
        previous, previous_boss = drops, boss
    return kept


def _boss(entry: Fields) -> tuple[Any, ...] | None:
    """The boss a boss line names, in its session's log; None when the bot read no boss name."""
    data = entry.data
    if not entry.text("boss_name"):
        return None
    return tuple(repr(data.get(k)) for k in ("source_log", "session_id", "heroic_instance", "boss_name"))


def _by_boss_line(entries: Iterable[Fields]) -> list[list[Fields]]:
    """Consecutive entries listed under the same boss line of the same session's log."""
    runs: list[list[Fields]] = []
    last: tuple[Any, ...] | None = None
    for entry in entries:
        line = tuple(entry.data.get(k) for k in ("source_log", "session_id", "timestamp", "raw_log_line"))
        if line != last:
            runs.append([])
            last = line
        runs[-1].append(entry)
    return runs


def _drop(entry: Fields) -> tuple[Any, ...]:
    """What the bot read from the loot line itself, with its session: equal for the same line listed twice."""
    data = entry.data
    keys = ("source_log", "session_id", "item_name", "item_type", "rarity", "quantity", "stats")
    return tuple(repr(data.get(k)) for k in keys)


def _item(entry: Fields) -> HeroicLoot:
    return HeroicLoot(
        timestamp=entry.time("timestamp"),
        item=entry.need_text("item_name"),
        quantity=entry.integer("quantity", minimum=0, maximum=1_000_000) or 1,
        instance=entry.text("heroic_instance"),
        boss=entry.text("boss_name"),
        rarity=entry.text("rarity"),
    )


def _player(entry: Fields) -> str | None:
    name = entry.text("player_name")
    return name.strip() if name and name.strip().lower() not in _UNKNOWN else None


def _part(f: Fields, key: str, items: list[tuple[HeroicLoot, str | None]]) -> Part:
    sid = key if key and not key.endswith(".log") else key.removesuffix(".log")
    part = Part(f.path, FORMAT, ids=(sid,) if sid else (), id_time=time_named_by(sid))
    part.heroic_loot = [item for item, _ in items]
    times = [item.timestamp for item in part.heroic_loot if item.timestamp is not None]
    if times:
        part.start, part.end = min(times), max(times)  # moments inside the session, not its bounds
        part.extra["times_inside"] = True
    players = Counter(name for _, name in items if name)
    if players:
        part.character = players.most_common(1)[0][0]
        part.carry("character")
    part.carry("heroic_loot")
    return part
