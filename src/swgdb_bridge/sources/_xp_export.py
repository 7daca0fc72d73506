"""The XP tracker's export: ``session_summary`` with stated breakdowns, plus every XP event.

Each event becomes an :class:`XPGain`; the summary's own breakdowns go to ``declared_breakdowns`` so the
serializer can use what the tracker stated; skill insights it cannot derive go to ``extra``.
"""

from __future__ import annotations

from typing import Any

from swgdb_bridge.model import Session
from swgdb_bridge.sources import _events as ev
from swgdb_bridge.sources._fields import Fields
from swgdb_bridge.sources._sanity import MAX_SESSION_MINUTES, MAX_XP, session_id, session_span

FORMAT = "xp_export"
_BREAKDOWNS = {"profession": "profession_breakdown", "skill": "skill_breakdown", "source": "source_breakdown"}


def matches(doc: dict[str, object]) -> bool:
    return "session_summary" in doc and "xp_events" in doc


def parse(f: Fields) -> Session:
    summary = f.need_child("session_summary")
    start, end = session_span(summary)
    session = Session(
        session_id=session_id(summary),
        character_name=summary.text("character_name"),
        start_time=start,
        end_time=end,
        source_format=FORMAT,
        source_path=f.path,
        xp_gained=summary.integer("total_xp", minimum=0, maximum=MAX_XP),
        xp_gains=ev.records(f, "xp_events", ev.xp_gain, "timestamp"),
        declared_breakdowns={n: b for n, key in _BREAKDOWNS.items() if (b := summary.counts(key, MAX_XP))},
        original_keys=list(f.data),
    )
    if "source" in session.declared_breakdowns:
        session.declared_breakdowns["source"] = _by_source(session.declared_breakdowns["source"])
    totals = f.child("summary")
    if totals is not None and totals.has("xp_by_zone"):
        session.declared_breakdowns["zone"] = totals.counts("xp_by_zone", MAX_XP)
    rate = summary.number("xp_per_hour", minimum=0)
    if rate is not None:
        session.declared_metrics["xp_per_hour"] = rate
    session.extra.update(_insights(f, summary))
    return session


def _by_source(amounts: dict[str, int]) -> dict[str, int]:
    """XP per source folded to the payload's fixed list, as each event's source is: "Combat" is combat, and a
    source the list does not have is "other" (never a free-form key)."""
    folded: dict[str, int] = {}
    for name, amount in amounts.items():
        source = ev.fold(name, ev.XP_SOURCES) or "other"
        folded[source] = folded.get(source, 0) + amount
    return folded


def _insights(f: Fields, summary: Fields) -> dict[str, Any]:
    exported = f.time("export_timestamp")
    return {
        "export_timestamp": exported.isoformat() if exported else None,
        "fastest_skills": summary.strings("fastest_skills"),
        "slowdowns": [
            {
                "skill": item.need_text("skill"),
                "reason": item.text("reason") or "unspecified",
                "duration_minutes": item.number("duration_minutes", minimum=0, maximum=MAX_SESSION_MINUTES),
            }
            for item in summary.items("slowdowns_detected")
        ],
        "zone_efficiency": summary.numbers("zone_efficiency"),
    }
