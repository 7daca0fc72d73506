"""Performance metrics of a session, and the ``efficiency_score`` (its formula is in ``docs/payload.md``).

The score answers one question for the dashboard — "how well did this session use its time?" — on a
bounded 0–100 scale, so sessions of different lengths and characters compare:

    rate(x, ref)  = min(1, x / ref)
    productivity  = 0.5·rate(xp/h, 50 000) + 0.3·rate(credits/h, 100 000) + 0.2·rate(quests/h, 4)
    active_share  = 1 − min(1, (AFK minutes + stuck minutes) / session minutes)
    score         = round(100 · productivity · active_share, 2)

The reference rates are a good bot session on a mid-level character (the tracker corpus runs at about
half of them); reaching a reference earns that part in full, so one extreme rate cannot hide idleness.
"""

from __future__ import annotations

from dataclasses import dataclass

XP_REFERENCE_PER_HOUR = 50_000.0
CREDITS_REFERENCE_PER_HOUR = 100_000.0
QUESTS_REFERENCE_PER_HOUR = 4.0
WEIGHTS = {"xp": 0.5, "credits": 0.3, "quests": 0.2}
SCORE_DIGITS = 2


@dataclass(frozen=True, slots=True)
class Rates:
    """The per-hour rates the score is made of, as they appear in the payload."""

    xp_per_hour: float
    credits_per_hour: float
    quests_per_hour: float


def _rate(value: float, reference: float) -> float:
    return min(1.0, max(0.0, value) / reference)


def productivity(rates: Rates) -> float:
    """Weighted share of the reference rates reached, 0–1."""
    return (
        WEIGHTS["xp"] * _rate(rates.xp_per_hour, XP_REFERENCE_PER_HOUR)
        + WEIGHTS["credits"] * _rate(rates.credits_per_hour, CREDITS_REFERENCE_PER_HOUR)
        + WEIGHTS["quests"] * _rate(rates.quests_per_hour, QUESTS_REFERENCE_PER_HOUR)
    )


def active_share(idle_minutes: float, session_minutes: float) -> float:
    """Share of the session not spent AFK or stuck, 0–1 (overlapping idle periods cannot go below 0)."""
    if session_minutes <= 0:
        return 0.0
    return 1.0 - min(1.0, max(0.0, idle_minutes) / session_minutes)


def efficiency_score(rates: Rates, idle_minutes: float, session_minutes: float) -> float:
    """The 0–100 score of the module docstring."""
    return round(100.0 * productivity(rates) * active_share(idle_minutes, session_minutes), SCORE_DIGITS)
