"""Group parts into play sessions.

Rules (docs/session-format.md, "Assembly"):

1. Byte-identical files count once (same content digest); the copy is listed, nothing is taken from it.
   A copy that differs (an older snapshot beside the file, :func:`is_copy`) is a part like any other, but
   the merge takes each fact from the original first.
2. A *timed* part (one with a start, an end, or an id naming its start time) joins another timed part when
   their characters agree (same name, or one unknown) and they overlap in time (sessions back to back only
   touch: they stay apart; a single moment joins the span it lies in), name the same start time in their
   ids, or share an id (ids link only inside one bot folder, :func:`~swgdb_bridge.sources.bot_tree`: they
   name a run's start time, which two bots started together share) — but two whole-session records
   (tracker, JSON Lines, ...) whose writer gave them different ids are never joined, nor two ids (or, for
   the step log and XP tracker, two starts) of a writer that starts one file per bot run, nor two parts
   whose ids name starts that cannot be one run's (:data:`NAMED_START`). Parts that name a
   character are joined first; parts that name none are joined to each other only by an id or a named
   start, then attached to the named group they fit best (an id, the nearest same start, then overlap,
   then its own bot folder; a tie between two characters leaves them on their own, with a warning); what
   no named group overlaps is then joined by overlap as well.
3. A part with no time at all (the XP-per-action list) joins the group that shares its id, else the one
   group its content points to (same quest names, same XP counter readings, same XP total); otherwise it is
   left unplaced.
4. A group needs a part stating a start, an end or an id time to be a session (loot seen at some moment is
   not a session): the rest is left unplaced.

Before grouping, a step log that one bot process kept across several runs is cut where another run of its bot
folder starts and the run before has ended (:func:`cut_at_restarts`); after grouping, pieces of one step log
that one session's files span are one part again (:func:`fuse_pieces`).

Everything is computed from sorted inputs, so the groups do not depend on the order files were found in.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

from swgdb_bridge.sources import STEP_LOG, Part, bot_tree, fuse_step_log, names_unix_time, step_log_runs

from ._zone import zone_offset

SLACK = timedelta(minutes=1)
SAME_START = timedelta(seconds=90)


@dataclass(slots=True)
class Group:
    parts: list[Part] = field(default_factory=list)
    copies: list[Part] = field(default_factory=list)  # byte-identical duplicates of members
    warnings: list[str] = field(default_factory=list)

    @property
    def character(self) -> str | None:
        names = sorted({p.character for p in self.parts if p.character})
        return names[0] if names else None

    @property
    def window(self) -> tuple[datetime, datetime] | None:
        windows = [w for p in self.parts if (w := p.window) is not None]
        if not windows:
            return None
        return min(w[0] for w in windows), max(w[1] for w in windows)


@dataclass(slots=True)
class Unplaced:
    part: Part
    reason: str
    refused: bool = False  # its session was built but cannot be uploaded (a problem to report, not a mystery)


def sort_key(part: Part) -> tuple[str, str, str]:
    window = part.window
    return (window[0].isoformat() if window else "~", str(part.path), part.format)


def dedupe(parts: list[Part]) -> tuple[list[Part], dict[int, list[Part]]]:
    """Keep one part per (digest, position in its file); the others are copies of the kept one.

    Of identical files the original is kept, whatever order they came in: not one in a folder of copies
    (the bot's dashboard sync copies logs to ``dashboard/sessions/``), then the shallowest, then by path.
    """
    kept: dict[tuple[str, int], Part] = {}
    copies: dict[int, list[Part]] = {}
    for part in sorted(parts, key=_original_first):
        key = (part.digest or f"path:{part.path}", part.index_in_file)
        if key in kept:
            copies.setdefault(id(kept[key]), []).append(part)
        else:
            kept[key] = part
    return list(kept.values()), copies


_COPY_FOLDERS = {"dashboard", "backup", "backups", "copies", "sync", "archive"}
# The names Windows and its sync tools give a copy of a file or folder beside it: Explorer's "x - Copy" and
# "x - Copy (2)", a download's or OneDrive's "keep both" "x (1)", Dropbox's "x (conflicted copy ...)",
# OneDrive's conflict copy "x-<computer>" (Windows names a computer "DESKTOP-…" or "LAPTOP-…" unless told
# otherwise), an editor's or an atomic-write helper's "x.tmp", "x.bak", "x~". The bot names no file so.
_COPY_NAME = re.compile(
    r"(?: - copy(?: \(\d+\))?| \([^()]*\)|-(?:desktop|laptop)-[a-z0-9]+|[._~-](?:tmp|bak|old|backup)|~)$",
    re.IGNORECASE,
)


def is_copy(path: Path) -> bool:
    """Whether ``path`` is a copy of a bot file (by its folder or its name), not the file the bot writes:
    of two files that state the same fact, a copy may be an older snapshot, so the original speaks first."""
    folders = path.parts[:-1]
    in_folder = any(f.lower() in _COPY_FOLDERS or _COPY_NAME.search(f) for f in folders)
    return in_folder or bool(_COPY_NAME.search(path.stem))


def _original_first(part: Part) -> tuple[bool, int, str, str, int]:
    return (is_copy(part.path), len(part.path.parts), str(part.path), part.format, part.index_in_file)


def group_parts(parts: list[Part]) -> tuple[list[Group], list[Unplaced]]:
    unique, copies = dedupe(parts)
    unique = cut_at_restarts(unique, copies)
    unique.sort(key=sort_key)
    timed = [p for p in unique if p.window is not None]
    timeless = [p for p in unique if p.window is None]
    groups = _join_timed(timed)
    for group in groups:
        _take_copies(group, group.parts, copies)
        group.parts = fuse_pieces(group.parts)  # a timeless part matches a run's whole step log, not a piece
    unplaced: list[Unplaced] = []
    index = _ContentIndex.of(groups)
    for part in timeless:
        target = _home_for_timeless(part, groups, index)
        if target is None:
            unplaced.append(Unplaced(part, "no time in the file and nothing matches it to a session"))
        else:
            target.parts.append(part)
            _take_copies(target, [part], copies)
    sessions: list[Group] = []
    for group in groups:
        if any(p.has("start") or p.has("end") or p.id_time is not None for p in group.parts):
            sessions.append(group)
        else:
            unplaced.extend(
                Unplaced(p, "only moments inside a session (loot), no session times") for p in group.parts
            )
    for group in sessions:
        group.parts.sort(key=sort_key)
    return sessions, unplaced


def _take_copies(group: Group, parts: list[Part], copies: dict[int, list[Part]]) -> None:
    """Put the byte-identical copies of ``parts`` (set aside by :func:`dedupe`) with ``group``."""
    for part in parts:
        group.copies.extend(copies.get(id(part), []))


def cut_at_restarts(parts: list[Part], copies: dict[int, list[Part]]) -> list[Part]:
    """``parts`` with each step log cut again at the restarts the per-run files of its bot folder show.

    A bot process writes one step log however often the bot is stopped and started in it; the reader cuts it
    where 30 minutes pass without a step, but a sooner restart shows only in the files the bot starts afresh
    for every run (credit log, XP tracker, dual logs, ...). A step log is cut at the start of another run when
    every per-run file starting with the run before (within 90 s) has ended by then: two characters playing
    at once do not cut each other's step logs, the first one's run is still going. The file's pieces are put
    together first, so a quiet spell the reader cut at does not hide a restart. A copy of a piece goes with
    the run holding that piece's start.
    """
    files: dict[tuple[Path, str], list[Part]] = {}
    for part in parts:
        if part.format == STEP_LOG and part.start is not None and part.end is not None:
            files.setdefault((part.path, part.digest), []).append(part)
    if not files:
        return parts
    runs = _RunStarts([p for p in parts if p.format != STEP_LOG and _run_ids(p)])
    redone: dict[int, list[Part]] = {}
    for pieces in files.values():
        pieces.sort(key=lambda p: p.index_in_file)
        whole = fuse_step_log(pieces) if len(pieces) > 1 else pieces[0]
        moments = _restarts(whole, runs)
        if moments:
            made = step_log_runs(whole, moments)
            _move_copies(pieces, made, copies)
            redone[id(pieces[0])] = made
            redone.update((id(p), []) for p in pieces[1:])
    return [new for part in parts for new in redone.get(id(part), [part])]


def _move_copies(old: list[Part], new: list[Part], copies: dict[int, list[Part]]) -> None:
    """The copies of each old piece to the new run holding that piece's start (its session lists them)."""
    for piece in old:
        moved = copies.pop(id(piece), [])
        home = next((p for p in reversed(new) if p.start and piece.start and p.start <= piece.start), new[0])
        if moved:
            copies.setdefault(id(home), []).extend(moved)


@dataclass(slots=True)
class _RunStarts:
    """Per-run files by their start on the machine's clock, to find those starting in a window.

    A Unix time (``dual_<n>``, the space quest's start) is off by the machine's offset wherever no file told
    it, and would cut a step log where no run starts: only starts the bot wrote on the local clock count
    (the credit log's and the ingest store's ids, the XP tracker's, combat log's and legacy log's start).
    """

    files: list[Part]
    starts: list[datetime] = field(init=False)

    def __post_init__(self) -> None:
        timed = [(start, i) for i, p in enumerate(self.files) if (start := _local_start(p)) is not None]
        timed.sort()
        self.starts = [start for start, _ in timed]
        self.files = [self.files[i] for _, i in timed]

    def between(self, first: datetime, last: datetime, tree_of: Part) -> list[tuple[datetime, Part]]:
        """The files starting from ``first`` to ``last`` (inclusive) that may be ``tree_of``'s bot folder's."""
        low, high = bisect_left(self.starts, first), bisect_right(self.starts, last)
        return [
            (self.starts[i], self.files[i]) for i in range(low, high) if _same_tree(tree_of, self.files[i])
        ]


def _local_start(part: Part) -> datetime | None:
    if part.unix_clock:
        return None
    if part.id_time is not None and not any(names_unix_time(i) for i in part.ids):
        return part.id_time
    return part.start


def _restarts(part: Part, runs: _RunStarts) -> list[datetime]:
    """The starts of later runs inside ``part`` by which every run file of the run before has ended."""
    assert part.start is not None and part.end is not None
    moments: list[datetime] = []
    current = part.start
    for begin in sorted({start for start, _ in runs.between(part.start + SAME_START, part.end, part)}):
        if not current + SAME_START < begin < part.end:
            continue
        ends = [r.end for _, r in runs.between(current - SAME_START, current + SAME_START, part) if r.end]
        if ends and max(ends) <= begin + SLACK:
            moments.append(begin)
            current = begin
    return moments


def fuse_pieces(parts: list[Part]) -> list[Part]:
    """A group's parts with the pieces of each step log in it one part again: an idle spell of over 30
    minutes inside one run, which the run's other files span, cut the file; the merge must see the run whole."""
    pieces: dict[tuple[Path, str], list[Part]] = {}
    for part in parts:
        if part.format == STEP_LOG:
            pieces.setdefault((part.path, part.digest), []).append(part)
    fused = {key: fuse_step_log(group) for key, group in pieces.items() if len(group) > 1}
    kept: list[Part] = [p for p in parts if p.format != STEP_LOG or (p.path, p.digest) not in fused]
    return kept + list(fused.values())


def _linked(a: Part, b: Part) -> bool:
    """Same session, for two parts whose characters agree: a shared id, the same named start, or overlap."""
    return _same_run(a, b) or _touch(a, b) is not None


def _kind(part: Part) -> str:
    """What a zero-length window is: a session's start, its end, or a moment inside it (loot)."""
    if part.extra.get("times_inside"):
        return "inside"
    if part.end is not None and part.start is None and part.id_time is None:
        return "end"
    return "start" if part.end is None else "inside"


def _touch(a: Part, b: Part) -> float | None:
    """Seconds of overlap when the two windows belong together, else ``None``.

    Two spans must truly overlap (sessions back to back only touch). A moment joins a span it lies in: a
    start from the span's start (1 minute early allowed) up to before its end, an end from after its start up
    to its end (1 minute late allowed). Two moments join when they are the same kind within 90 s.
    """
    wa, wb = a.window, b.window
    if wa is None or wb is None:
        return None
    point_a, point_b = wa[0] == wa[1], wb[0] == wb[1]
    if point_a and point_b:
        return 0.0 if _kind(a) == _kind(b) and abs(wa[0] - wb[0]) <= SAME_START else None
    if point_a or point_b:
        moment, span = (a, wb) if point_a else (b, wa)
        at = moment.window[0]  # type: ignore[index]
        kind = _kind(moment)
        if kind == "start":
            inside = span[0] - SLACK <= at < span[1]
        elif kind == "end":
            inside = span[0] < at <= span[1] + SLACK
        else:
            inside = span[0] - SLACK <= at <= span[1] + SLACK
        return 0.0 if inside else None
    shared = (min(wa[1], wb[1]) - max(wa[0], wb[0])).total_seconds()
    return shared if shared > 0 else None


def _fit(a: Part, group: Group) -> tuple[int, float, float, int]:
    """How strongly ``a`` belongs to ``group``: a shared id, then how close the start and end it shares are
    (within 90 s), then the most seconds it overlaps one part, then whether the group holds a file of
    ``a``'s own bot folder (two bots started together in two folders tie on everything else). Each is the
    best single pair, never a sum over the group's parts: summing would pull a bundle to the group with
    more files, not to the one it belongs to."""
    shares_id, closest, overlap = 0, -1.0, -1.0
    tree = bot_tree(a.path)
    own_tree = 0
    for b in group.parts:
        shares_id = shares_id or int(_shares_id(a, b))
        closest = max(closest, _closeness(a, b))
        shared = _touch(a, b)
        if shared is not None:
            overlap = max(overlap, shared)
        own_tree = own_tree or int(tree is not None and bot_tree(b.path) == tree)
    return shares_id, closest, overlap, own_tree


def _closeness(a: Part, b: Part) -> float:
    """90 s minus the gap, summed over the two starts and the two ends within 90 s of each other; -1 when
    neither are. Summed, as two files that start and end together are closer than two that only start
    together: two bots started in the same second end apart."""
    gaps = [abs(x - y) for x, y in (_start_of(a, b), (a.end, b.end)) if x is not None and y is not None]
    near = [gap for gap in gaps if gap <= SAME_START]
    return sum((SAME_START - gap).total_seconds() for gap in near) if near else -1.0


def _start_of(a: Part, b: Part) -> tuple[datetime | None, datetime | None]:
    return a.id_time or a.start, b.id_time or b.start


def _strongest_first(parts: list[Part], pairs: Iterator[tuple[int, int]]) -> list[tuple[int, int]]:
    """Pairs sharing an id or a start time, then those starting or ending together, then mere overlap, the
    closest starts first within each: a part that fits two sessions which may not join (an end inside both,
    a start within 90 s of both) goes to the one it ends with, or starts nearest to."""

    def strength(pair: tuple[int, int]) -> tuple[int, float, int, int]:
        a, b = parts[pair[0]], parts[pair[1]]
        rank = 0 if _same_run(a, b) else 1 if _same_start(a, b) or _same_end(a, b) else 2
        return rank, -_closeness(a, b), *pair

    return sorted(set(pairs), key=strength)


def _same_end(a: Part, b: Part) -> bool:
    return a.end is not None and b.end is not None and abs(a.end - b.end) <= SAME_START


def _same_start(a: Part, b: Part) -> bool:
    """Both start within 90 s of each other, by an id's time or a stated start: one bot run's files are
    started together, so this tells two overlapping sessions' files apart where overlap cannot."""
    first, second = _start_of(a, b)
    return first is not None and second is not None and abs(first - second) <= SAME_START


def _candidate_pairs(parts: list[Part]) -> Iterator[tuple[int, int]]:
    """Index pairs that may be linked: overlapping windows (a sweep), a shared id, a close id time.

    A sweep over windows sorted by start compares each part only with those still open, so a folder of a
    thousand sessions costs a few comparisons per part, not a million.
    """
    windows = [p.window for p in parts]
    order = sorted(range(len(parts)), key=lambda i: windows[i][0])  # type: ignore[index]
    active: list[int] = []
    for i in order:
        begin = windows[i][0]  # type: ignore[index]
        active = [j for j in active if windows[j][1] + SLACK >= begin]  # type: ignore[index]
        yield from ((j, i) for j in active)
        active.append(i)
    by_id: dict[str, list[int]] = {}
    for i, part in enumerate(parts):
        for ident in part.ids:
            by_id.setdefault(ident, []).append(i)
    for members in by_id.values():
        yield from ((members[0], j) for j in members[1:])
    timed = sorted((p.id_time, i) for i, p in enumerate(parts) if p.id_time is not None)
    for (t1, i), (t2, j) in pairwise(timed):
        if t2 - t1 <= SAME_START:
            yield (i, j)


def _union(parts: list[Part], linked: Callable[[Part, Part], bool] = _linked) -> list[Group]:
    parent = list(range(len(parts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # the ids each group holds of each writer that writes one file per bot run: two groups holding different
    # ids of the same such writer are two sessions, however their times overlap (two characters at once)
    runs = {i: _run_ids(p) for i, p in enumerate(parts)}
    for i, j in _strongest_first(parts, _candidate_pairs(parts)):
        a, b = find(i), find(j)
        if a == b or not linked(parts[i], parts[j]) or _other_runs(runs[a], runs[b]):
            continue
        parent[b] = a
        runs[a] = {k: runs[a].get(k, frozenset()) | runs[b].get(k, frozenset()) for k in runs[a] | runs[b]}
    members: dict[int, list[Part]] = {}
    for i, part in enumerate(parts):
        members.setdefault(find(i), []).append(part)
    return [Group(list(m)) for _, m in sorted(members.items())]


# Writers that start one file, under a new id, each time the bot starts (a play session); a whole-session
# record (tracker, JSON Lines, ...) is one too, whatever its format.
ONE_PER_RUN = frozenset({"legacy_session", "credit_log", "dual_session", "ingest_store"})


# Writers that start one file each time the bot starts and name it by no id but that start (the step log, the
# XP tracker): two of their files with different starts are two runs, however a clock makes them overlap.
ONE_START_PER_RUN = frozenset({"step_log", "xp_tracking"})


# The start a file's id names (``credits_<start>``, ``dual_<Unix start>``, ``ms11_<start>``): one bot run's
# files are started together, so two names of one clock more than 90 s apart are two runs, and so are a
# local and a Unix name that no zone offset puts together (not a whole number of quarter hours apart),
# whatever their writers, however their times overlap (a run an hour after another, whose Unix-named files
# no zone offset moved, lies inside the first run's span).
NAMED_START = "named start"
# Writers that start their file when the bot starts and name it by that moment (a chat log's session id, as
# in the heroic loot log or the ingest store, names whatever start the log or the poster states)
NAMED_AT_START = frozenset({"credit_log", "dual_session", "space_quest", "combat_log"})


def _run_ids(part: Part) -> dict[str, frozenset[str]]:
    """``{writer: ids}`` for a part whose writer names one play session per id (or per start), and the start
    its id names (:data:`NAMED_START`); empty for the others."""
    named = part.id_time is not None and part.format in NAMED_AT_START
    runs = {NAMED_START: frozenset({_named_start(part)})} if named else {}
    if part.format in ONE_START_PER_RUN and part.start is not None:
        # the pieces of one step log share its start: the runs in it are told apart by the other files
        start = part.extra.get("run_start", part.start)
        runs[part.format] = frozenset({start.isoformat() if isinstance(start, datetime) else str(start)})
    elif "session" in part.extra and part.ids:
        runs["session"] = frozenset(part.ids)
    elif part.format in ONE_PER_RUN and part.ids:
        runs[part.format] = frozenset(part.ids)
    return runs


def _other_runs(a: dict[str, frozenset[str]], b: dict[str, frozenset[str]]) -> bool:
    return any(_apart(writer, a[writer], b[writer]) for writer in a.keys() & b.keys())


def _named_start(part: Part) -> str:
    """The start the part's id names, marked with the clock that names it (``unix`` or ``local``)."""
    clock = "unix" if any(names_unix_time(ident) for ident in part.ids) else "local"
    return f"{clock} {part.id_time.isoformat() if part.id_time else ''}"


def _apart(writer: str, mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """No id (or start) in common; for named starts, no two that may name one run's start."""
    if writer != NAMED_START:
        return not mine & theirs
    return not any(_one_start(x, y) for x in mine for y in theirs)


def _one_start(first: str, second: str) -> bool:
    """Two named starts of one run: of one clock within 90 s, of two clocks a zone offset apart."""
    (clock_a, text_a), (clock_b, text_b) = sorted((first.split(" "), second.split(" ")))
    gap = datetime.fromisoformat(text_a) - datetime.fromisoformat(text_b)  # local minus Unix, of two clocks
    return abs(gap) <= SAME_START if clock_a == clock_b else zone_offset(gap) is not None


def _same_run(a: Part, b: Part) -> bool:
    """Certainly one session: a shared id, or the same start named in both ids (overlap alone is not)."""
    if _shares_id(a, b):
        return True
    named_start = a.id_time is not None and b.id_time is not None and abs(a.id_time - b.id_time) <= SAME_START
    return named_start and _same_tree(a, b)


def _shares_id(a: Part, b: Part) -> bool:
    return bool(set(a.ids) & set(b.ids)) and _same_tree(a, b)


def _same_tree(a: Part, b: Part) -> bool:
    """Whether the two may be one bot's files (:func:`~swgdb_bridge.sources.bot_tree`): ids name a run's start
    time, which two bots started together in two folders share; a file whose path shows no bot folder may be
    either's."""
    tree_a, tree_b = bot_tree(a.path), bot_tree(b.path)
    return tree_a is None or tree_b is None or tree_a == tree_b


def _join_timed(timed: list[Part]) -> list[Group]:
    by_character: dict[str, list[Part]] = {}
    for part in timed:
        if part.character:
            by_character.setdefault(part.character, []).append(part)
    named = [group for name in sorted(by_character) for group in _union(by_character[name])]
    # Nameless parts are first joined only where they certainly belong together: joined by overlap, two
    # characters playing at once would chain each other's files into one group, which one of them then got.
    pending = _union([p for p in timed if not p.character], _same_run)
    while pending:  # a bundle may overlap only another that a session took: ask again until none is taken
        unclaimed = [g for g, candidates in _candidates(pending, named) if not _attach(g, candidates, named)]
        if len(unclaimed) == len(pending):
            break
        pending = unclaimed
    named.extend(_union([p for g in pending for p in g.parts]))  # what no session claims: joined by overlap
    return sorted(named, key=lambda g: sort_key(g.parts[0]))


def _candidates(anonymous: list[Group], named: list[Group]) -> list[tuple[Group, list[int]]]:
    """For each nameless group, the named groups it could belong to (found with one sweep over all parts)."""
    owner: dict[int, tuple[str, int]] = {}
    everything: list[Part] = []
    for kind, groups in (("a", anonymous), ("n", named)):
        for index, group in enumerate(groups):
            for part in group.parts:
                owner[len(everything)] = (kind, index)
                everything.append(part)
    links: dict[int, set[int]] = {i: set() for i in range(len(anonymous))}
    for i, j in _candidate_pairs(everything):
        (ki, gi), (kj, gj) = owner[i], owner[j]
        if ki != kj:
            anon, other = (gi, gj) if ki == "a" else (gj, gi)
            links[anon].add(other)
    return [(group, sorted(links[index])) for index, group in enumerate(anonymous)]


def _attach(anonymous: Group, candidates: list[int], named: list[Group]) -> bool:
    """Add a nameless group to the named group it fits best; False when it overlaps none.

    A named group holding another id of a writer that starts one file per bot run is another session: it is
    no candidate, as in :func:`_union`.
    """
    runs = _group_runs(anonymous)
    fits = [
        (_best_fit(anonymous, named[i]), i)
        for i in candidates
        if not _other_runs(runs, _group_runs(named[i]))
    ]
    scores = sorted(((fit, i) for fit, i in fits if fit[:3] > _NO_LINK), reverse=True)
    if not scores:
        return False
    best, index = scores[0]
    rivals = [i for s, i in scores[1:] if s == best and named[i].character != named[index].character]
    if rivals:
        anonymous.warnings.append(
            "files naming no character overlap sessions of several characters equally; kept apart"
        )
        named.append(anonymous)
        return True
    named[index].parts.extend(anonymous.parts)
    named[index].warnings.extend(anonymous.warnings)
    return True


_NO_LINK = (0, -1.0, -1.0)  # no id, start, end or time shared: the bot folder alone links nothing


def _best_fit(anonymous: Group, group: Group) -> tuple[int, float, float, int]:
    return max((_fit(p, group) for p in anonymous.parts), default=(*_NO_LINK, 0))


def _group_runs(group: Group) -> dict[str, frozenset[str]]:
    runs: dict[str, frozenset[str]] = {}
    for part in group.parts:
        for writer, ids in _run_ids(part).items():
            runs[writer] = runs.get(writer, frozenset()) | ids
    return runs


def _home_for_timeless(part: Part, groups: list[Group], index: _ContentIndex) -> Group | None:
    by_id = {g for ident in part.ids for g in index.ids.get(ident, ())}
    if len(by_id) == 1:
        return groups[next(iter(by_id))]
    scores = index.scores(part)
    ranked = sorted(((score, number) for number, score in scores.items()), reverse=True)
    if not ranked or ranked[0][0] <= 0 or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
        return None
    return groups[ranked[0][1]]


@dataclass(slots=True)
class _ContentIndex:
    """Where a timeless part may belong, and how well it matches each session, read off postings.

    Scores: 2 per part of the session naming each of the part's quests, 3 per part with the same XP counter
    readings, 1 when a part has the same XP total, 1 per creature both killed. Summing postings keeps the
    cost at the number of matches, not sessions × parts, when many sessions share quests and creatures.
    """

    ids: dict[str, set[int]] = field(default_factory=dict)
    quests: dict[str, Counter[int]] = field(default_factory=dict)
    counters: dict[tuple[int | None, int | None], Counter[int]] = field(default_factory=dict)
    totals: dict[int, set[int]] = field(default_factory=dict)
    creatures: dict[str, set[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, groups: list[Group]) -> _ContentIndex:
        index = cls()
        for number, group in enumerate(groups):
            for part in group.parts:
                for ident in part.ids:
                    index.ids.setdefault(ident, set()).add(number)
                for name in part.quest_names:
                    index.quests.setdefault(name, Counter())[number] += 1
                if part.xp_start is not None:
                    index.counters.setdefault((part.xp_start, part.xp_end), Counter())[number] += 1
                if part.xp_total:
                    index.totals.setdefault(part.xp_total, set()).add(number)
                for name in part.kills:
                    index.creatures.setdefault(name, set()).add(number)
        return index

    def scores(self, part: Part) -> Counter[int]:
        """How well ``part`` matches each session it shares anything with."""
        scores: Counter[int] = Counter()
        for name in part.quest_names:
            for number, count in self.quests.get(name, {}).items():
                scores[number] += 2 * count
        if part.xp_start is not None:
            for number, count in self.counters.get((part.xp_start, part.xp_end), {}).items():
                scores[number] += 3 * count
        if part.xp_total:
            scores.update(self.totals.get(part.xp_total, ()))
        for name in set(part.kills):
            scores.update(self.creatures.get(name, ()))
        return scores
