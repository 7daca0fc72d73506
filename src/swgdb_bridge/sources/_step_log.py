"""The step log ``logs/session_<YYYYmmdd_HHMMSS>.json`` (``src/logging_utils/session_log.py:log_step``).

The bot rewrites the whole file after every step it executes: ``start_time``, running ``total_xp``,
``quests_completed``, ``time_spent`` (seconds since the module was imported), ``activity_breakdown`` and the
``steps`` themselves, each the step dict the bot ran plus its ``time``. Steps are free-form; we take
``move`` (``to.planet``/``to.city``, ``coords``), ``combat`` (``target``, ``xp``: one combat step is one
fight won), ``quest`` with ``action: complete`` (``id`` is the quest's name) and any step's numeric ``xp``.
A run whose XP steps hold no combat step states that it killed nothing: a crafting run's XP-per-action list
says "Killed craft" for each item made, which is no creature.
A vendor waypoint (``to.waypoint``, a player's shop name) is never taken. There is no end time: the last
step (the bot logs a logout move) or ``start + time_spent``, whichever is later.

The file's name and ``start_time`` are fixed when the module is first imported, so one bot *process* writes
one step log: a process left running while the bot is stopped and started again (from its dashboard) appends
every run to the same file, with nothing in it marking the restart. The file is therefore read as one part per
run: a new run begins where :data:`RUN_GAP` passes without a step, and assembly cuts the file again where
another run's own files start inside it (:func:`fuse` the pieces, then :func:`runs`) and puts back together
pieces that one session's files span (an idle spell inside one run). Each part keeps its steps
(``extra["steps"]``) for that, and the file's start (``extra["run_start"]``), which all its parts share.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from swgdb_bridge.model import LocationVisit, QuestCompletion, XPGain
from swgdb_bridge.sources._fields import Fields
from swgdb_bridge.sources._part import Part
from swgdb_bridge.sources._sanity import MAX_PART_SPAN, MAX_XP, RUN_GAP

FORMAT = "step_log"
_XP_SOURCES = {"combat": "combat", "quest": "quest", "craft": "crafting", "crafting": "crafting"}


@dataclass(frozen=True, slots=True)
class Step:
    """One step as the bot logged it, with its time (``None`` when the step has none)."""

    when: datetime | None
    fields: Fields


def matches(doc: object) -> bool:
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("steps"), list)
        and ("activity_breakdown" in doc or "total_xp" in doc or "time_spent" in doc)
    )


def parse(f: Fields) -> list[Part]:
    start = f.need_time("start_time")
    steps = [Step(step.time("time"), step) for step in f.items("steps")]
    spent = f.number("time_spent", minimum=0, maximum=MAX_PART_SPAN.total_seconds())  # from the process start
    end = _last_time(steps, start)
    if spent is not None:
        end = max(end, start + timedelta(seconds=spent))
    parts = runs(build(f.path, start, start, end, steps))
    if len(parts) == 1:
        _declared_totals(f, parts[0])
    else:
        _check_total(f, parts)
    return parts


def build(path: Path, run_start: datetime, start: datetime, end: datetime, steps: Sequence[Step]) -> Part:
    """The part for the run of ``steps`` from ``start`` to ``end`` of the step log begun at ``run_start``."""
    part = Part(path, FORMAT, start=start, end=max(start, end))
    part.extra["steps"] = tuple(steps)
    part.extra["run_start"] = run_start
    part.carry("start", "end")
    for step in steps:
        _take_step(part, step.fields, step.when)
    part.xp_total = sum(e.amount for e in part.xp_events)
    part.quest_count = len(part.quests)
    part.carry("xp_total", "quest_count")
    part.carry_present("xp_events", "quests", "places", "kills")
    if part.xp_events:
        part.carry("kills")  # the steps that earned its XP are all logged: no combat step among them, no kill
    return part


def runs(part: Part, restarts: Iterable[datetime] = ()) -> list[Part]:
    """The runs in ``part`` (a whole step log, or its pieces fused): with ``restarts`` (the starts of other
    runs whose own files show them), a run starts at each that has steps on both sides; without, wherever
    :data:`RUN_GAP` passes without a step. Not both: a run's quiet spell would cut it a minute before the next
    run's start, whose files it would then join. A part made by hand (without its steps) is one run."""
    steps: tuple[Step, ...] | None = part.extra.get("steps")  # type: ignore[assignment]
    if steps is None or part.start is None or part.end is None:
        return [part]
    moments = sorted(restarts)
    found: list[tuple[datetime, list[Step]]] = [(part.start, [])]
    previous: datetime | None = None
    for step in steps:
        if step.when is not None and previous is not None and found[-1][1]:
            restart = next((m for m in moments if previous < m <= step.when), None)
            if restart is not None or (not moments and step.when - previous > RUN_GAP):
                found.append((restart or step.when, []))
        found[-1][1].append(step)
        previous = step.when or previous
    run_start: datetime = part.extra["run_start"]  # type: ignore[assignment]
    made = []
    for number, (start, run) in enumerate(found):
        end = part.end if number == len(found) - 1 else _last_time(run, start)
        own = part.warnings if number == 0 else []
        made.append(_like(build(part.path, run_start, start, end, run), part, own))
    return made


def fuse(pieces: Sequence[Part]) -> Part:
    """One part again from pieces of one step log: the file's runs, to cut again, or the pieces of one run
    that an idle spell cut and one session's files span."""
    pieces = sorted(pieces, key=lambda p: (p.start, p.end))  # type: ignore[arg-type, return-value]
    first, last = pieces[0], pieces[-1]
    steps = [step for piece in pieces for step in piece.extra["steps"]]  # type: ignore[attr-defined]
    assert first.start is not None and last.end is not None
    fused = build(first.path, first.extra["run_start"], first.start, last.end, steps)  # type: ignore[arg-type]
    return _like(fused, first, [w for p in pieces for w in p.warnings])


def _like(part: Part, model: Part, warnings: list[str]) -> Part:
    """``part`` with what the file reader set on ``model`` besides its facts (digest, cut off, position)."""
    part.digest, part.truncated, part.index_in_file = model.digest, model.truncated, model.index_in_file
    part.warnings = list(dict.fromkeys(warnings))
    return part


def _last_time(steps: Sequence[Step], start: datetime) -> datetime:
    return max((s.when for s in steps if s.when is not None), default=start)


def _take_step(part: Part, step: Fields, when: datetime | None) -> None:
    kind = step.data.get("type")
    xp = step.integer("xp", minimum=0, maximum=MAX_XP)
    quest_name = None
    if kind == "quest" and step.data.get("action") == "complete":
        quest_name = step.text("id") or step.text("name") or ""
        part.quests.append(QuestCompletion(when, quest_name, reward_amount=xp))
    if kind == "combat" and isinstance(step.data.get("target"), str) and step.data["target"].strip():
        target = step.data["target"].strip()
        part.kills[target] = part.kills.get(target, 0) + 1
    if kind == "move":
        _take_move(part, step, when)
    if xp is not None:
        source = _XP_SOURCES.get(kind, "other") if isinstance(kind, str) else "other"
        part.xp_events.append(XPGain(when, xp, source=source, quest_name=quest_name or None))


def _take_move(part: Part, step: Fields, when: datetime | None) -> None:
    to = step.data.get("to")
    if not isinstance(to, dict):
        return
    target = step.need_child("to")
    planet, city = target.text("planet"), target.text("city")
    if not planet:
        return
    last = part.locations[-1] if part.locations else None
    if last is not None and (last.planet, last.city) == (planet, city):
        return  # the logout move repeats where the character already is
    if last is not None and last.departure is None:
        last.departure = when
    part.locations.append(LocationVisit(when, planet, city, step.coordinates("coords")))


def _declared_totals(f: Fields, part: Part) -> None:
    """A file of one run: its running totals are that run's (and may count steps it no longer lists)."""
    declared = f.integer("total_xp", minimum=0, maximum=MAX_XP)
    summed = part.xp_total or 0
    if declared is not None:
        part.xp_total = declared
        if part.xp_events and declared != summed:
            part.warnings.append(_total_mismatch(f, declared, summed))
    counted = f.integer("quests_completed", minimum=0, maximum=100_000)
    part.quest_count = max(counted or 0, len(part.quests))


def _check_total(f: Fields, parts: list[Part]) -> None:
    """A file of several runs: each run's XP is its steps'; the file's running total must be their sum."""
    declared = f.integer("total_xp", minimum=0, maximum=MAX_XP * len(parts))
    summed = sum(p.xp_total or 0 for p in parts)
    if declared is not None and declared != summed:
        parts[0].warnings.append(_total_mismatch(f, declared, summed))


def _total_mismatch(f: Fields, declared: int, summed: int) -> str:
    return f"{f.path.name}: total_xp {declared:,} but its steps sum to {summed:,}"
