"""The bot machine's zone offset, where no file holds both clocks for one moment.

Most of the bot's files are named by the machine's local start (``credits_<%Y%m%d_%H%M%S>``), a few by its
Unix start (``dual_<n>``, ``space_session_<n>``). Without a file holding both (``assemble._clock``), a
Unix-named file stays off by the machine's offset: east of UTC (Kolkata, Kiritimati) it falls hours before
its session, where it forms a session of its own or lies inside an earlier one.

One bot run names both starts within a minute or two, so where Unix-named starts lie on local-named starts
at one offset, that offset is the machine's. Two times a whole number of quarter hours apart always look like
a zone, though: a single run proves nothing, and where runs repeat at a fixed step (every four hours), the
step moved onto the next run fits as well, all the more where one run's files of one kind are missing. The
offset is therefore taken only when at least two Unix-named starts find a local-named start at it, every
Unix-named start that finds any local-named start finds one at it, and no other offset is found by two.

A folder's runs may straddle a summer-time change, after which every Unix-named start finds its local one an
hour off. Where no one offset fits every run, the runs (in time order) may take offsets that change by an
hour from one run to the next: taken when exactly one such sequence changes least often, every offset two runs
find is one of its own, two runs or more take each of its offsets (a single run after a change proves no more
than a single run does: one whose local file is missing may fit the next run's start an hour off), and no
local-named start is taken by two runs. Each run's start then carries its own offset, and a Unix time takes
the nearest run's (as ``assemble._clock`` does with the offsets files state). Like the one-offset rule, it can
still be fooled where runs start about an hour apart and several of them lack the files of one clock.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from datetime import datetime, timedelta

from swgdb_bridge.sources import Part, names_unix_time

QUARTER = timedelta(minutes=15)
SLACK = timedelta(minutes=2)  # the two stamps of one moment may be taken a little apart
WIDEST_EAST = timedelta(hours=14)  # UTC+14 (Kiritimati)
WIDEST_WEST = timedelta(hours=-12)  # UTC-12
CLOCK_CHANGE = timedelta(hours=1)  # a summer-time change moves the machine's clock by an hour
_ONE_RUN = timedelta(seconds=90)  # Unix starts this close name one run (its files are started together)


def zone_offset(raw: timedelta) -> timedelta | None:
    """``raw`` (local time minus UTC) as a zone offset: a whole number of quarter hours within
    :data:`SLACK`, from UTC-12 to UTC+14; ``None`` when it is no such offset (two moments, not two clocks)."""
    offset = round(raw / QUARTER) * QUARTER
    if abs(raw - offset) <= SLACK and WIDEST_WEST <= offset <= WIDEST_EAST:
        return offset
    return None


def agreed_offsets(parts: list[Part]) -> list[tuple[datetime, timedelta]]:
    """Each Unix-named run's start (UTC) and the offset one bot folder's starts on the two clocks agree on
    there (the module's docstring); empty when they do not agree."""
    local = sorted({start for part in parts if (start := _local_start(part)) is not None})
    runs = [(run, offsets) for run in _unix_runs(parts) if (offsets := _fitting_offsets(run, local))]
    support = Counter(offset for _, offsets in runs for offset in offsets)
    contested = {offset for offset, count in support.items() if count >= 2}
    chosen = _fewest_changes([offsets for _, offsets in runs]) if len(runs) >= 2 else None
    if chosen is None or not contested or not contested <= set(chosen):
        return []
    agreed = [(run, offset) for (run, _), offset in zip(runs, chosen, strict=True)]
    if len(set(chosen)) == 1:
        return agreed
    each_side_twice = min(Counter(chosen).values()) >= 2
    return agreed if each_side_twice and _one_run_per_start(agreed, local) else []


def _one_run_per_start(agreed: list[tuple[datetime, timedelta]], local: list[datetime]) -> bool:
    """Whether no local-named start is taken by two runs: a run whose local file is missing may fit another
    run's start an hour off, which looks like a clock change but names that run twice."""
    taken = [start for run, offset in agreed for start in local if abs(run + offset - start) <= SLACK]
    return len(taken) == len(set(taken))


def _fewest_changes(fits: list[set[timedelta]]) -> list[timedelta] | None:
    """The one offset per run, each from its ``fits``, that changes least often, by a summer-time hour at a
    time; ``None`` when there is no such sequence or two tie (the starts do not tell the offsets apart)."""
    # per last offset: (changes so far, how many sequences have that few, capped at 2, one of them)
    best: dict[timedelta, tuple[int, int, list[timedelta]]] = {offset: (0, 1, [offset]) for offset in fits[0]}
    for offsets in fits[1:]:
        step = {}
        for offset in offsets:
            ways = [
                (changes + (before != offset), count, path)
                for before, (changes, count, path) in best.items()
                if abs(before - offset) in (timedelta(0), CLOCK_CHANGE)
            ]
            if ways:
                least = min(changes for changes, _, _ in ways)
                tied = [(count, path) for changes, count, path in ways if changes == least]
                step[offset] = (least, min(2, sum(count for count, _ in tied)), [*tied[0][1], offset])
        best = step
    if not best:
        return None
    least = min(changes for changes, _, _ in best.values())
    ends = [(count, path) for changes, count, path in best.values() if changes == least]
    return ends[0][1] if len(ends) == 1 and ends[0][0] == 1 else None


def _unix_runs(parts: list[Part]) -> list[datetime]:
    """The first Unix-named start of each run: starts within 90 s of the previous one are one run's."""
    starts = sorted(
        part.id_time
        for part in parts
        if part.id_time is not None and any(names_unix_time(ident) for ident in part.ids)
    )
    return [start for i, start in enumerate(starts) if i == 0 or start - starts[i - 1] > _ONE_RUN]


def _local_start(part: Part) -> datetime | None:
    """The start a part states on the machine's clock only: a part naming a Unix time, or holding both clocks
    (whose offset ``assemble._clock`` reads directly), states none here."""
    if part.unix_clock or part.clock_offset is not None or any(names_unix_time(i) for i in part.ids):
        return None
    return part.id_time or part.start


def _fitting_offsets(unix: datetime, local: list[datetime]) -> set[timedelta]:
    """Each zone offset at which ``unix`` falls on one of the (sorted) ``local`` starts."""
    low = bisect_left(local, unix + WIDEST_WEST - SLACK)
    high = bisect_right(local, unix + WIDEST_EAST + SLACK)
    return {offset for start in local[low:high] if (offset := zone_offset(start - unix)) is not None}
