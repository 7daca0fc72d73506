"""Cumulative state without times, e.g. ``session_state.json`` (``core/session_tracker.py``).

``log_farming_result`` adds each farming run into one document for the bot's whole life:
``missions_completed``, ``total_credits_earned``, ``mob_counts`` (creature → kills), ``affinity_counts``.
It has no times and spans many sessions, so it is never a session and never added into one: it is the
bot's lifetime totals, shown as such.
"""

from __future__ import annotations

from swgdb_bridge.sources._fields import Fields
from swgdb_bridge.sources._part import LifetimeTotals

FORMAT = "lifetime_state"
_KEYS = {"missions_completed", "total_credits_earned", "mob_counts", "affinity_counts", "total_kills"}
_TIME_WORDS = ("time", "timestamp", "start", "end", "date", "session_id")


def matches(doc: object) -> bool:
    if not isinstance(doc, dict) or _KEYS.isdisjoint(doc):
        return False
    return not any(word in key.lower() for key in doc for word in _TIME_WORDS)


def parse(f: Fields) -> LifetimeTotals:
    totals: dict[str, object] = {}
    for key in sorted(f.data):
        value = f.data[key]
        if isinstance(value, dict):
            totals[key] = f.counts(key, 10**12)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            totals[key] = f.number(key, minimum=0)
    return LifetimeTotals(f.path, FORMAT, totals)
