"""One clock for all parts: the bot machine's local time, as most of the bot's files hold it.

The MS11 bot writes naive local times (``datetime.now()``), which the readers take as UTC. A few writers use
Unix time instead (``time.time()`` ids such as ``combat_session_<n>``, the space quest's start, the XP
tracker's counters, the XP history's ``utcnow()``). On a machine at UTC the two agree; elsewhere they differ
by the machine's offset, and behind UTC the Unix-time parts fall hours after their session, where they
would join a later one. Files that hold both clocks for one moment (``Part.clock_offset``: the XP tracker's
``session_start`` and its first counter, the combat log's ``start_time`` and its id) tell the offset; each
Unix-time part is moved by the offset nearest its time, before grouping. A bot folder where no file holds
both clocks takes the offset its starts named on either clock agree on (``assemble._zone``), if they do.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import msgspec

from swgdb_bridge.model import XPGain
from swgdb_bridge.sources import Part, bot_tree, names_unix_time

from ._zone import agreed_offsets, zone_offset

Sample = tuple[datetime, timedelta]  # a moment (UTC) and the machine's offset then: local time minus UTC


def clock_samples(parts: list[Part]) -> list[Sample]:
    """Where files hold both clocks for one moment: when, and local time minus UTC then.

    Offsets are zone offsets (:func:`~swgdb_bridge.assemble._zone.zone_offset`): a sample further from a
    whole quarter hour than two minutes compares two moments, not two clocks, and is left out.
    """
    found = [
        (p.start - p.clock_offset, p.clock_offset) for p in parts if p.clock_offset is not None and p.start
    ]
    samples = []
    for moment, raw in [*found, *_session_ends(parts)]:
        offset = zone_offset(raw)
        if offset is not None:
            samples.append((moment, offset))
    return sorted(samples)


def offset_at(samples: list[Sample], moment: datetime) -> timedelta:
    """The offset of the sample nearest ``moment``: a tree spans summer time changes, and a machine may
    move between zones; zero when there is no sample."""
    if not samples:
        return timedelta(0)
    return min(samples, key=lambda sample: (abs(sample[0] - moment), sample[0]))[1]


def _session_ends(parts: list[Part]) -> list[Sample]:
    """Local end minus Unix end of one session, where the XP history logged a session's XP at its end
    (``utcnow()``) and as many sessions of the local logs end with that XP (copies of one log agree on its
    end): the legacy tree's only pair of clocks. Sessions of equal XP (a routine replayed another day) pair
    in time order, the n-th entry with the n-th end, as both clocks keep the order of sessions."""
    ends_by_xp: dict[int, set[datetime]] = {}
    for part in parts:
        if not part.unix_clock and part.end is not None and part.xp_total:
            ends_by_xp.setdefault(part.xp_total, set()).add(part.end)
    logged: dict[int, set[datetime]] = {}
    for entry in parts:
        if entry.unix_clock and entry.extra.get("keyed_by_end") and entry.end and entry.xp_total:
            logged.setdefault(entry.xp_total, set()).add(entry.end)
    samples = []
    for xp, unix_ends in logged.items():
        local_ends = ends_by_xp.get(xp, set())
        if len(local_ends) == len(unix_ends):
            samples += [
                (unix, local - unix)
                for unix, local in zip(sorted(unix_ends), sorted(local_ends), strict=True)
            ]
    return samples


def on_local_clock(parts: list[Part]) -> list[Part]:
    """``parts`` with every Unix time moved onto the machine's local clock (the module's docstring)."""
    samples = clock_samples(parts)
    guessed = _guessed_offsets(parts)
    if not any(offset for group in (samples, *guessed.values()) for _, offset in group):
        return parts
    moved = []
    for part in parts:
        moment, folder = _unix_moment(part), bot_tree(part.path)
        offset = offset_at(guessed.get(folder, samples), moment) if moment is not None else None
        moved.append(_moved(part, offset) if offset else part)
    return moved


def _guessed_offsets(parts: list[Part]) -> dict[Path | None, list[Sample]]:
    """``{bot folder: samples}`` where no file of the folder holds both clocks and its starts named on either
    clock agree on the offsets (:func:`~swgdb_bridge.assemble._zone.agreed_offsets`). A folder with such a
    file keeps the samples its files state."""
    folders: dict[Path | None, list[Part]] = {}
    for part in parts:
        folders.setdefault(bot_tree(part.path), []).append(part)
    guessed = {}
    for folder, members in folders.items():
        agreed = [] if clock_samples(members) else agreed_offsets(members)
        if agreed:
            guessed[folder] = agreed
    return guessed


def _unix_moment(part: Part) -> datetime | None:
    """The time by which a part's offset is looked up: its Unix-named id's, else its start or end when the
    reader holds them on the Unix clock; ``None`` for a part all on the local clock."""
    if part.id_time is not None and any(names_unix_time(ident) for ident in part.ids):
        return part.id_time
    return (part.start or part.end) if part.unix_clock else None


def _moved(part: Part, offset: timedelta) -> Part:
    unix_id = part.id_time is not None and any(names_unix_time(ident) for ident in part.ids)
    moved = replace(part, id_time=part.id_time + offset if unix_id and part.id_time else part.id_time)
    if part.unix_clock:  # these readers hold times only in the start, the end and the XP events
        moved.start = part.start + offset if part.start else None
        moved.end = part.end + offset if part.end else None
        moved.xp_events = [_later(event, offset) for event in part.xp_events]
        moved.warnings = [*part.warnings, f"{part.path.name}: Unix times moved onto the machine's clock"]
    return moved


def _later(event: XPGain, offset: timedelta) -> XPGain:
    if event.timestamp is None:
        return event
    return msgspec.structs.replace(event, timestamp=event.timestamp + offset)
