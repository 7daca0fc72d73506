"""Totals, averages and rates across sessions, overall, per character and per planet.

Rates over several sessions are time-weighted (total XP / total hours played), not an average of each
session's rate, so one 2-minute session cannot dominate. For the same reason best and worst sessions are
ranked by XP/h among sessions of at least ``MIN_RANKED_MINUTES`` (all sessions when none is that long).
A session that visited several planets counts under each of them, so planet rows need not add up to the total.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from swgdb_bridge.viewer.summary import SessionSummary

MIN_RANKED_MINUTES = 5.0
UNKNOWN = "(unknown)"


def _per_hour(amount: float, minutes: float) -> float:
    return round(amount * 60.0 / minutes, 2) if minutes > 0 else 0.0


def _totals(sessions: list[SessionSummary]) -> dict[str, Any]:
    xp = sum(s.xp for s in sessions)
    credits = sum(s.credits for s in sessions)
    minutes = sum(s.duration_minutes for s in sessions)
    count = len(sessions)
    return {
        "sessions": count,
        "total_xp_gained": xp,
        "total_credits_gained": credits,
        "total_quests_completed": sum(s.quests for s in sessions),
        "time_played_minutes": round(minutes, 2),
        "xp_per_hour": _per_hour(xp, minutes),
        "credits_per_hour": _per_hour(credits, minutes),
        "average_xp_per_session": round(xp / count, 2) if count else 0.0,
        "average_credits_per_session": round(credits / count, 2) if count else 0.0,
        "average_duration_minutes": round(minutes / count, 2) if count else 0.0,
    }


def _grouped(sessions: list[SessionSummary], keys_of: Any) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[SessionSummary]] = defaultdict(list)
    for session in sessions:
        for key in keys_of(session) or [UNKNOWN]:
            groups[key].append(session)
    return {key: _totals(members) for key, members in sorted(groups.items())}


def _brief(summary: SessionSummary) -> dict[str, Any]:
    return {
        "session_id": summary.session_id,
        "character": summary.character,
        "start": summary.start.isoformat(),
        "duration_minutes": summary.duration_minutes,
        "xp": summary.xp,
        "xp_per_hour": summary.xp_per_hour,
        "credits": summary.credits,
        "credits_per_hour": summary.credits_per_hour,
    }


def _ranked(sessions: list[SessionSummary]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    pool = [s for s in sessions if s.duration_minutes >= MIN_RANKED_MINUTES] or sessions
    if not pool:
        return None, None
    ordered = sorted(pool, key=lambda s: (s.xp_per_hour, s.xp, s.session_id))
    return _brief(ordered[-1]), _brief(ordered[0])


DESIGN_ALIASES = ("total_sessions", "total_duration_hours", "average_session_duration")
"""Figures the document repeats under the design's names: ``--json`` keeps them, the printed view does not."""


def analyze(sessions: list[SessionSummary]) -> dict[str, Any]:
    """The analysis document; ``total_sessions``, ``total_duration_hours`` and ``average_session_duration``
    (minutes) are the design's names for figures of the totals."""
    best, worst = _ranked(sessions)
    totals = _totals(sessions)
    return {
        **totals,
        "total_sessions": totals["sessions"],
        "total_duration_hours": round(totals["time_played_minutes"] / 60.0, 2),
        "average_session_duration": totals["average_duration_minutes"],
        "first_start": min(s.start for s in sessions).isoformat() if sessions else None,
        "last_end": max(s.end for s in sessions).isoformat() if sessions else None,
        "by_character": _grouped(sessions, lambda s: [s.character] if s.character else []),
        "by_planet": _grouped(sessions, lambda s: list(s.planets)),
        "best_session": best,
        "worst_session": worst,
    }
