"""Sessions side by side: each session's figures by id (any number), and for two sessions each figure for
A and B, the delta (B - A) and the ratio (B / A)."""

from __future__ import annotations

from typing import Any

from swgdb_bridge.viewer.summary import SessionSummary

COMPARED = (
    "duration_minutes",
    "xp",
    "xp_per_hour",
    "credits",
    "credits_per_hour",
    "quests",
    "efficiency_score",
    "total_events",
    "afk_periods",
    "stuck_events",
)


def _row(metric: str, a: float, b: float) -> dict[str, Any]:
    # A ratio against zero means nothing; None says so instead of inf.
    return {
        "metric": metric,
        "a": a,
        "b": b,
        "delta": round(b - a, 4),
        "ratio": round(b / a, 4) if a else None,
    }


def compare(a: SessionSummary, b: SessionSummary) -> dict[str, Any]:
    planets_a, planets_b = set(a.planets), set(b.planets)
    return {
        "a": {
            "session_id": a.session_id,
            "character": a.character,
            "start": a.start.isoformat(),
            "path": a.path,
        },
        "b": {
            "session_id": b.session_id,
            "character": b.character,
            "start": b.start.isoformat(),
            "path": b.path,
        },
        "metrics": [_row(name, getattr(a, name), getattr(b, name)) for name in COMPARED],
        "planets": {
            "both": sorted(planets_a & planets_b),
            "only_a": sorted(planets_a - planets_b),
            "only_b": sorted(planets_b - planets_a),
        },
    }


def figures(summary: SessionSummary) -> dict[str, Any]:
    """One session's figures under the design's names."""
    return {
        "character": summary.character,
        "start": summary.start.isoformat(),
        "duration_minutes": summary.duration_minutes,
        "xp_gained": summary.xp,
        "xp_per_hour": summary.xp_per_hour,
        "credits_gained": summary.credits,
        "credits_per_hour": summary.credits_per_hour,
        "quests_completed": summary.quests,
        "efficiency_score": summary.efficiency_score,
        "planets": list(summary.planets),
    }


def side_by_side(summaries: list[SessionSummary]) -> dict[str, Any]:
    """The design's comparison: the ids compared, in order, and each one's figures."""
    return {
        "sessions_compared": [s.session_id for s in summaries],
        "comparison_data": {s.session_id: figures(s) for s in summaries},
    }
