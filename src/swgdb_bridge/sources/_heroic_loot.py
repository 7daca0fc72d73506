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
Every boss kill drops loot, so a session's log keeps at least one loot line per kill line (a boss line that
is itself a loot line is none): two kills far apart that each dropped the same item are two lists of the
same entries too, and stay two drops.
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
_LOOT_LINE = "You have received"  # what the bot looks for in a loot line (``_extract_loot_from_context``)


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
    kills: Counter[tuple[Any, ...]] = Counter()
    drops_kept: Counter[tuple[Any, ...]] = Counter()
    for run in _by_boss_line(entries):
        log = _log(run[0])
        kills[log] += not _is_loot_line(run[0])
        drops = [_drop(entry) for entry in run]
        shared = next(
            (
                n
                for n in range(min(len(previous), len(drops)), 0, -1)
                if previous[-n:] == drops[:n] and drops_kept[log] + len(drops) - n >= kills[log]
            ),
            0,
        )
        kept += run[shared:]
        drops_kept[log] += len(run) - shared
        previous = drops
    return kept


def _log(entry: Fields) -> tuple[Any, ...]:
    return tuple(repr(entry.data.get(k)) for k in ("source_log", "session_id"))


def _is_loot_line(entry: Fields) -> bool:
    """A boss line that is itself a loot line ("You have received ... from Axkva Min") is no kill of its own."""
    return _LOOT_LINE in str(entry.data.get("raw_log_line") or "")


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
