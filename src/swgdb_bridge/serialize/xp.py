"""``xp_data``: how much experience, how fast, from what.

Breakdowns are summed from the per-event records when the log has them (XP per skill: an assembled
session's own ``xp_by_skill`` first, taken from the file that records it); a summary-only log (the XP
tracker export) contributes the breakdowns it states. XP the records do not attribute (a tracker log
states a total but records only a few kills) is shown as ``unattributed`` in ``profession_breakdown``, so
that breakdown sums to the total as the upstream validation rules ask. Fastest skills and slowdowns a
summary states win over the ones computed here (the tracker saw more than this one session's log).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from swgdb_bridge.model import Session, XPGain
from swgdb_bridge.serialize.classify import XP_SOURCES
from swgdb_bridge.serialize.units import Lazy, in_minutes, per_hour, utc

FASTEST_SKILLS = 5
SLOWDOWN_GAP_MINUTES = 20.0
_SLOWDOWN_GAP, _NO_GAP = timedelta(minutes=SLOWDOWN_GAP_MINUTES), timedelta(0)
UNATTRIBUTED = "unattributed"
BREAKDOWNS = ("profession", "skill", "source")


def xp_data(
    session: Session, minutes: float, *, include_events: bool, include_locations: bool
) -> dict[str, Any]:
    total = session.total_xp
    breakdowns = _breakdowns(session)
    _fill_unattributed(breakdowns["profession"], total)
    return {
        "total_xp_gained": total,
        "xp_per_hour": per_hour(total, minutes),
        "xp_events": Lazy(session.xp_gains, partial(_event, include_locations=include_locations))
        if include_events
        else [],
        "profession_breakdown": breakdowns["profession"],
        "skill_breakdown": breakdowns["skill"],
        "source_breakdown": breakdowns["source"],
        "fastest_skills": session.extra.get("fastest_skills") or fastest_skills(breakdowns["skill"]),
        "slowdowns_detected": session.extra.get("slowdowns") or slowdowns(session.xp_gains),
    }


def _event(gain: XPGain, include_locations: bool) -> dict[str, Any]:
    return {
        "timestamp": utc(gain.timestamp),
        "amount": gain.amount,
        "profession": gain.profession,
        "skill": gain.skill,
        "source": XP_SOURCES(gain.source),
        "quest_name": gain.quest_name,
        "zone": gain.zone if include_locations else None,
        "level_before": gain.level_before,
        "level_after": gain.level_after,
    }


def _breakdowns(session: Session) -> dict[str, dict[str, int]]:
    """Per-event sums where the events carry the attribute, else what the summary declares."""
    summed: dict[str, dict[str, int]] = {name: {} for name in BREAKDOWNS}
    profession, skill, source = summed["profession"], summed["skill"], summed["source"]
    origins: dict[str, int] = {}  # per label as logged; classified once per label below, in the same order
    for gain in session.xp_gains:  # inlined adds: this loop runs once per XP event
        amount, name, trained, origin = gain.amount, gain.profession, gain.skill, gain.source
        if name:
            profession[name] = profession.get(name, 0) + amount
        if trained:
            skill[trained] = skill.get(trained, 0) + amount
        if origin:
            origins[origin] = origins.get(origin, 0) + amount
    for origin, amount in origins.items():
        kind = XP_SOURCES(origin)
        source[kind] = source.get(kind, 0) + amount
    if session.xp_by_skill:  # an assembled session's XP per skill (the XP tracker's own per-action skills)
        summed["skill"] = {name: xp for name, xp in session.xp_by_skill.items() if xp > 0}
    for name in BREAKDOWNS:
        if not summed[name]:
            declared = session.declared_breakdowns.get(name, {})
            summed[name] = {key: int(value) for key, value in declared.items() if value > 0}
    return summed


def _fill_unattributed(breakdown: dict[str, int], total: int) -> None:
    missing = total - sum(breakdown.values())
    if missing > 0:
        breakdown[UNATTRIBUTED] = breakdown.get(UNATTRIBUTED, 0) + missing


def fastest_skills(skill_breakdown: dict[str, int]) -> list[str]:
    """The skills that gained most in this session, most first (ties by name, for stable output)."""
    ranked = sorted(skill_breakdown.items(), key=lambda item: (-item[1], item[0]))
    return [skill for skill, _ in ranked[:FASTEST_SKILLS]]


def slowdowns(gains: list[XPGain]) -> list[dict[str, Any]]:
    """Skills that went ``SLOWDOWN_GAP_MINUTES`` or more without XP between two gains.

    The longest such gap per skill is reported: a bot stuck on a trainer, a spawn camp gone dry.
    """
    last_seen: dict[str, datetime] = {}
    longest: dict[str, timedelta] = {}  # timedeltas compared, minutes made once per skill at the end
    for gain in gains:
        skill, moment = gain.skill, gain.timestamp
        if not skill or moment is None:
            continue
        before = last_seen.get(skill)
        last_seen[skill] = moment
        if (
            before is not None
            and (gap := moment - before) >= _SLOWDOWN_GAP
            and gap > longest.get(skill, _NO_GAP)
        ):
            longest[skill] = gap
    return [
        {"skill": skill, "reason": "no_xp_gain", "duration_minutes": round(in_minutes(gap), 2)}
        for skill, gap in sorted(longest.items())
    ]
