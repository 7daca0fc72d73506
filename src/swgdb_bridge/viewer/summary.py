"""One line of the session list: the figures list, filter, search and analyze need, and nothing more.

Summaries are what the index stores, so a warm listing of 10,000 sessions never opens a session file.
The rates (XP/h, credits/h), planets and efficiency come from the upload payload the serializer builds, so
the viewer shows the same numbers the dashboard will.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from swgdb_bridge.assemble import session_files
from swgdb_bridge.model import Session

if TYPE_CHECKING:  # pydantic models cost a second to import; the warm listing never needs them
    from swgdb_bridge.payload_fast import AnyPayload


@dataclass(slots=True, frozen=True)
class SessionSummary:
    session_id: str
    path: str
    character: str | None
    mode: str | None
    source_format: str
    start: datetime
    end: datetime
    duration_minutes: float
    xp: int
    xp_per_hour: float
    credits: int
    credits_per_hour: float
    quests: int
    planets: tuple[str, ...]
    cities: tuple[str, ...]
    efficiency_score: float
    stuck_events: int
    afk_periods: int
    total_events: int
    file_digest: str
    # Non-fatal problems the readers reported (a skipped line; files that disagree, bot bugs worked around).
    warnings: tuple[str, ...] = field(default_factory=tuple)
    # Every file the session was read from (an assembled session spans many of the bot's files).
    sources: tuple[str, ...] = field(default_factory=tuple)

    @property
    def problem_count(self) -> int:
        """What the list's "problems" column counts: reader warnings and stuck events."""
        return len(self.warnings) + self.stuck_events

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ISO timestamps, lists for tuples. (Not ``asdict``: its deep copies cost 0.4 ms a row.)"""
        data = {name: getattr(self, name) for name in _FIELDS}
        data["start"] = self.start.isoformat()
        data["end"] = self.end.isoformat()
        for name in ("planets", "cities", "warnings", "sources"):
            data[name] = list(data[name])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionSummary:
        values = {name: data[name] for name in _FIELDS}
        values["start"] = datetime.fromisoformat(values["start"])
        values["end"] = datetime.fromisoformat(values["end"])
        for name in ("planets", "cities", "warnings", "sources"):
            values[name] = tuple(values[name])
        return cls(**values)


_FIELDS = tuple(f.name for f in fields(SessionSummary))


def summarize(session: Session, payload: AnyPayload, path: str, file_digest: str) -> SessionSummary:
    """Summary of one session; ids and times are the payload's, so they match what gets uploaded."""
    location = payload.location_data
    return SessionSummary(
        session_id=payload.session_id,
        path=path,
        character=session.character_name,
        mode=session.mode,
        source_format=session.source_format,
        start=payload.start_time,
        end=payload.end_time,
        duration_minutes=payload.duration_minutes,
        xp=payload.xp_data.total_xp_gained,
        xp_per_hour=payload.xp_data.xp_per_hour,
        credits=payload.credit_data.total_credits_gained,
        credits_per_hour=payload.credit_data.credits_per_hour,
        quests=payload.quest_data.total_quests_completed,
        planets=tuple(location.unique_planets),
        cities=tuple(location.unique_cities),
        efficiency_score=payload.performance_metrics.efficiency_score,
        stuck_events=len(session.stuck_events),
        afk_periods=len(session.afk_periods),
        total_events=payload.event_data.total_events,
        file_digest=file_digest,
        warnings=tuple(
            dict.fromkeys(str(w) for w in [*session.extra.get("warnings", ()), *session.warnings])
        ),
        sources=tuple(str(p) for p in session_files(session)),
    )


def search_texts(session: Session, summary: SessionSummary) -> list[tuple[str, str]]:
    """(field, text) pairs the search box looks through: ids, names, places, quests and event text.

    The user's own text as the files hold it (the index is local, like the files): a place the sanitizer
    would pseudonymize in the upload is still found under the name the user knows.
    """
    pairs: list[tuple[str, str]] = [("session_id", summary.session_id)]
    if session.character_name:
        pairs.append(("character", session.character_name))
    if session.mode:
        pairs.append(("mode", session.mode))
    pairs += [("planet", p) for p in dict.fromkeys(v.planet for v in session.locations)]
    pairs += [("city", c) for c in dict.fromkeys(v.city for v in session.locations if v.city)]
    pairs += [("quest", q.quest_name) for q in session.quests]
    pairs += [("action", a.text) for a in session.actions]
    pairs += [("message", m.message) for m in session.messages]
    pairs += [("guild_alert", g.message) for g in session.guild_alerts]
    pairs += [("loot", item.item) for item in session.loot]
    pairs += [("note", n) for n in session.notes]
    return [(name, text) for name, text in pairs if text]
