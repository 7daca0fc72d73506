"""The XP estimator's history ``data/session_logs/xp_history.json`` (``core/xp_estimator.py``).

One JSON list for the bot's whole life, appended to by ``XPEstimator.log_action``: ``timestamp``
(``datetime.utcnow()``, so UTC even where the other files hold local time: its parts are ``unix_clock``, which
assembly moves onto the local clock), ``action`` and ``xp``. The legacy session manager logs one ``"session"``
entry per session at its end (the session's XP keyed by its end time); the current code logs every action. So
the file holds many sessions: each ``"session"`` entry is a part ending at its timestamp, and other entries
are cut into parts wherever 30 minutes pass without one.
"""

from __future__ import annotations

from swgdb_bridge.model import XPGain
from swgdb_bridge.sources._fields import Fields
from swgdb_bridge.sources._part import Part
from swgdb_bridge.sources._sanity import MAX_XP, RUN_GAP

FORMAT = "xp_history"


def matches(doc: object) -> bool:
    return (
        isinstance(doc, list)
        and bool(doc)
        and all(
            isinstance(item, dict) and {"timestamp", "action", "xp"} <= item.keys() and "xp_gain" not in item
            for item in doc[:50]
        )
    )


def parse(f: Fields) -> list[Part]:
    parts: list[Part] = []
    run: Part | None = None
    for entry in f.items("entries"):
        when = entry.need_time("timestamp")
        xp = entry.need_int("xp", minimum=0, maximum=MAX_XP)
        if entry.need_text("action").strip().lower() == "session":
            parts.append(_whole_session(f, when, xp))
            continue
        if run is None or run.end is None or when - run.end > RUN_GAP or when < run.end:
            run = Part(f.path, FORMAT, start=when, end=when, unix_clock=True)
            parts.append(run)
        run.end = when
        run.xp_events.append(XPGain(when, xp, source="other"))
    for part in parts:
        if part.xp_events:
            part.xp_total = sum(e.amount for e in part.xp_events)
            part.carry("start", "end", "xp_total", "xp_events")
    return parts


def _whole_session(f: Fields, end, xp: int) -> Part:  # type: ignore[no-untyped-def]
    part = Part(f.path, FORMAT, end=end, xp_total=xp, unix_clock=True)
    part.carry("end", "xp_total")
    part.extra["keyed_by_end"] = True
    return part
