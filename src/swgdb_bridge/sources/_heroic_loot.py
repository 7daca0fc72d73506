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
Every boss kill drops loot, so each kill line's list holds a drop of its own, after every boss line before it
(a boss line that is itself a loot line is its own drop): the entries kept are the fewest loot lines that give
every list that way. Two kills far apart that each dropped the same item are two lists of the same entries too,
and stay two drops; a kill's own drop listed under the previous kill too counts once.
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
_WINDOW = 30  # the lines around a boss line the bot reads for loot: no two lists share more loot lines


def matches(doc: object) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("loot_entries"), list) and "metadata" in doc


def parse(f: Fields) -> list[Part]:
    groups: dict[str, list[tuple[HeroicLoot, str | None]]] = {}
    for entry in _listed_once(f.items("loot_entries")):
        key = entry.text("session_id") or entry.text("source_log") or ""
        groups.setdefault(key, []).append((_item(entry), _player(entry)))
    return [_part(f, key, items) for key, items in groups.items()]


def _listed_once(entries: Iterable[Fields]) -> list[Fields]:
    """The entries without the loot lines the bot listed again under the next boss line (module docstring),
    one session's log at a time."""
    runs = _by_boss_line(entries)
    by_log: dict[tuple[Any, ...], list[int]] = {}
    for index, run in enumerate(runs):
        by_log.setdefault(_log(run[0]), []).append(index)
    shared: dict[int, int] = {}
    for indices in by_log.values():
        shared.update(zip(indices, _fewest_lines([runs[i] for i in indices]), strict=True))
    return [entry for index, run in enumerate(runs) for entry in run[shared[index] :]]


def _fewest_lines(runs: list[list[Fields]]) -> list[int]:
    """How many entries each run shares with the end of the one before: the fewest loot lines that give every
    list as one stretch of the log, the stretches in order, each boss line's holding a loot line of its own in
    log order: a kill line's drop comes after every boss line before it; a loot line naming its boss is its
    own drop, at or after the last kill's.

    The state after a run is, for kills and for loot lines naming their boss, how far from the end of the
    lines so far the last one's own line lies (one more than the lines so far when there is none)."""
    lines: dict[tuple[int, int], int] = {(1, 1): 0}  # (kill's d, loot line's d) -> the fewest lines so far
    steps: list[dict[tuple[int, int], tuple[tuple[int, int], int]]] = []  # per run: state -> (before, shared)
    previous: list[tuple[Any, ...]] = []
    for run in runs:
        drops = [_drop(entry) for entry in run]
        overlaps = [
            n
            for n in range(min(len(previous), len(drops), _WINDOW) + 1)
            if n == 0 or previous[-n:] == drops[:n]
        ]
        after: dict[tuple[int, int], int] = {}
        step: dict[tuple[int, int], tuple[tuple[int, int], int]] = {}
        for state, total in lines.items():
            for n in overlaps:
                grown = _own_line(run, state, n)
                if grown is None:
                    continue
                if grown not in after or total + len(run) - n < after[grown]:
                    after[grown], step[grown] = total + len(run) - n, (state, n)
        lines, previous = after, drops
        steps.append(step)
    state = min(lines, key=lambda found: lines[found])
    shared: list[int] = []
    for step in reversed(steps):
        state, n = step[state]
        shared.append(n)
    return shared[::-1]


def _own_line(run: list[Fields], state: tuple[int, int], shared: int) -> tuple[int, int] | None:
    """The state after ``run`` when it shares ``shared`` entries, its own line the first its kind allows;
    ``None`` when its list leaves it none."""
    kill, named = (shared - d for d in state)  # the last own lines, counted from the run's first entry
    if _is_loot_line(run[0]):
        line = str(run[0].data.get("raw_log_line"))
        mine = [i for i, entry in enumerate(run) if str(entry.data.get("item_name")) in line] or range(
            len(run)
        )
        own = next((i for i in mine if i >= max(named + 1, kill, 0)), None)
    else:
        own = max(kill + 1, named + 1, 0)
    if own is None or own >= len(run):
        return None
    grown = [min(d + len(run) - shared, _WINDOW + 2) for d in state]
    grown[_is_loot_line(run[0])] = len(run) - own
    return grown[0], grown[1]


def _log(entry: Fields) -> tuple[Any, ...]:
    return tuple(repr(entry.data.get(k)) for k in ("source_log", "session_id"))


def _is_loot_line(entry: Fields) -> bool:
    """Whether a boss line is itself a loot line ("You have received ... from Axkva Min"): no kill of its own,
    the drop of the kill line before it."""
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
