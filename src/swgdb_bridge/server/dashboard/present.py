"""Turning stored numbers and payload documents into what the pages show: formats, trends, the timeline.

Kept apart from the routes so the pages' wording can be read (and tested) without HTTP. Stored documents
may predate the payload model's bounds: a number that is not finite shows as a dash, and a time or
duration that cannot be computed with (an offset past year 1, a duration of 1e300 minutes) is skipped.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from swgdb_bridge.server.dashboard.charts import Span
from swgdb_bridge.server.dashboard.queries import Totals, Unit


def number(value: float | None, digits: int = 0) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:,.{digits}f}"


def minutes(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    hours, mins = divmod(round(value), 60)
    return f"{hours} h {mins:02d} min" if hours else f"{mins} min"


def place(value: Any) -> str:
    """A zone as a reader writes it: the bot logs quest zones in lower case ("rori", "yavin4"), while the
    planets elsewhere on the page are capitalised; a name written with capitals is left as it is."""
    text = str(value or "")
    return text.replace("_", " ").title() if text == text.lower() else text


def parse_time(value: Any) -> datetime | None:
    """Payload timestamps are ISO strings in the stored document."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def when(value: Any, seconds: bool = False) -> str:
    moment = parse_time(value)
    if moment is None:
        return "—"
    return moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def clock(value: Any) -> str:
    moment = parse_time(value)
    return moment.strftime("%H:%M") if moment else "—"


BREAKDOWN_ROWS = 50
"""Rows a breakdown table shows (the largest first), then "and N more": a session may name 10,000 planets."""


def ranked(breakdown: dict[str, float] | None) -> list[tuple[str, float]]:
    return sorted((breakdown or {}).items(), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True, slots=True)
class Card:
    label: str
    value: str
    trend: str
    direction: str  # "up", "down" or "flat": a CSS class; the words carry the meaning


def _trend(current: float, previous: float) -> tuple[str, str]:
    if previous == 0:
        return ("new in the trend period", "up") if current else ("none in the trend period", "flat")
    change = (current - previous) * 100.0 / previous
    if abs(change) < 0.5:
        return "no change on the period before", "flat"
    return (
        f"{'up' if change > 0 else 'down'} {abs(change):.0f}% on the period before",
        "up" if change > 0 else "down",
    )


def cards(total: Totals, current: Totals, previous: Totals) -> list[Card]:
    """Totals for the selection, each with its trend: the trend window against the one before it."""

    def rate(t: Totals) -> float:
        return t.xp * 60.0 / t.minutes if t.minutes else 0.0

    rows = [
        ("Sessions", number(total.sessions), current.sessions, previous.sessions),
        ("XP gained", number(total.xp), current.xp, previous.xp),
        ("Credits gained", number(total.credits), current.credits, previous.credits),
        ("Quests completed", number(total.quests), current.quests, previous.quests),
        ("Time played", minutes(total.minutes), current.minutes, previous.minutes),
        ("XP per hour", number(rate(total)), rate(current), rate(previous)),
    ]
    return [Card(label, value, *_trend(now, before)) for label, value, now, before in rows]


def bucket_unit(first: datetime | None, last: datetime | None) -> Unit:
    """Days for up to three months, weeks up to two years, then months: charts stay readable."""
    if first is None or last is None:
        return "day"
    span = last - first
    if span <= timedelta(days=92):
        return "day"
    return "week" if span <= timedelta(days=731) else "month"


LANE_NAMES = {"location": "Location", "afk": "AFK", "stuck": "Stuck"}


def timeline_spans(document: dict[str, Any]) -> list[Span]:
    """Locations, AFK and stuck periods of a stored payload, as time spans (undated entries are skipped)."""
    end = parse_time(document.get("end_time"))
    spans = _location_spans(document.get("location_data", {}).get("location_events", []), end)
    events = document.get("event_data", {})
    for afk in events.get("afk_periods", []):
        start = parse_time(afk.get("start_time"))
        stop = parse_time(afk.get("end_time")) or _after(start, minutes=afk.get("duration_minutes"))
        if start and stop:
            spans.append(Span("afk", start, stop, f"AFK{': ' + afk['reason'] if afk.get('reason') else ''}"))
    for stuck in events.get("stuck_events", []):
        start = parse_time(stuck.get("timestamp"))
        stop = _after(start, seconds=stuck.get("duration_seconds") or 0)
        if start and stop:
            where = " at " + stuck["location"] if stuck.get("location") else ""
            spans.append(
                Span(
                    "stuck",
                    start,
                    stop,
                    f"Stuck{where}{': ' + stuck['reason'] if stuck.get('reason') else ''}",
                )
            )
    return sorted(spans, key=lambda s: (s.start, s.lane))


def _location_spans(visits: list[dict[str, Any]], session_end: datetime | None) -> list[Span]:
    dated = [(parse_time(v.get("timestamp")), v) for v in visits]
    dated = [(start, v) for start, v in dated if start is not None]
    spans = []
    for index, (start, visit) in enumerate(dated):
        following = dated[index + 1][0] if index + 1 < len(dated) else session_end
        stop = _after(start, minutes=visit.get("duration_minutes")) or following or start
        place = visit["planet"] + (f" / {visit['city']}" if visit.get("city") else "")
        spans.append(
            Span("location", start, stop, f"{place} ({visit.get('purpose', 'other').replace('_', ' ')})")
        )
    return spans


def _after(
    start: datetime | None, *, minutes: float | None = None, seconds: float | None = None
) -> datetime | None:
    if start is None or (minutes is None and seconds is None):
        return None
    try:
        return start + timedelta(minutes=minutes or 0, seconds=seconds or 0)
    except (OverflowError, ValueError):  # a stored duration beyond any calendar
        return None


def credit_summaries(document: dict[str, Any]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Net credits per source and the number of transactions per kind, from the session's credit events."""
    by_source: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    for event in document.get("credit_data", {}).get("credit_events", []):
        by_source[event.get("source", "other")] += int(event.get("amount", 0))
        by_kind[event.get("transaction_type", "other")] += 1
    return ranked(dict(by_source)), ranked(dict(by_kind))


_METRICS = (
    ("session_duration_minutes", "Duration", minutes),
    ("total_actions", "Actions", number),
    ("actions_per_hour", "Actions per hour", lambda v: number(v, 1)),
    ("efficiency_score", "Efficiency score (0–100)", lambda v: number(v, 1)),
    ("unique_locations_visited", "Locations visited", number),
    ("total_travel_time_minutes", "Travel time", minutes),
    ("unique_players_encountered", "Players encountered", number),
    ("quests_completed", "Quests completed", number),
    ("afk_periods", "AFK periods", number),
    ("stuck_events", "Stuck events", number),
)


def performance_rows(document: dict[str, Any]) -> list[tuple[str, str]]:
    metrics = document.get("performance_metrics", {})
    return [(label, fmt(metrics[key])) for key, label, fmt in _METRICS if metrics.get(key) is not None]


def sanitization_summary(document: dict[str, Any]) -> tuple[list[tuple[str, int]], str]:
    """The report's counts (never values) and a sentence saying whether sanitizing ran at all.

    Only the categories that found something: the report names every category it looks for, and thirty
    rows of zeros buried the few that matter."""
    metadata = document.get("metadata", {})
    report = metadata.get("sanitization_report") or {}
    found = {key.replace("_", " "): value for key, value in report.get("counts", {}).items() if value}
    counts = ranked(found)
    if not metadata.get("sanitization_applied"):
        return counts, "Sanitization was not applied to this session before upload."
    removed = sum(value for _key, value in counts)
    return counts, f"Sanitization was applied: {removed:,} item(s) were removed or replaced before upload."


# Bounds on what the session page lists of the bot's facts: a stored document may hold thousands.
MAX_FACT_ROWS = 50
MAX_SOURCE_ROWS = 100


@dataclass(frozen=True, slots=True)
class BotFacts:
    """What a session assembled from the MS11 bot's files adds: kills, heroic loot, the credit curve, and
    the files it was built from (names only) with the warnings the assembler left."""

    kills: list[tuple[str, float]]
    loot: list[dict[str, Any]]
    curve: list[tuple[str, str]]
    sources: list[dict[str, Any]]
    warnings: list[str]
    more_kills: int = 0
    more_loot: int = 0

    @property
    def any(self) -> bool:
        return bool(self.kills or self.loot or self.sources or self.warnings)


def bot_facts(doc: dict[str, Any]) -> BotFacts:
    events, metadata = doc.get("event_data", {}), doc.get("metadata", {})
    kills = ranked(events.get("kills_by_creature"))
    loot = list(events.get("heroic_loot") or [])
    sources = list(metadata.get("sources") or [])
    return BotFacts(
        kills=kills[:MAX_FACT_ROWS],
        loot=loot[:MAX_FACT_ROWS],
        curve=credit_curve(doc) if sources else [],
        sources=sources[:MAX_SOURCE_ROWS],
        warnings=list(metadata.get("warnings") or [])[:MAX_FACT_ROWS],
        more_kills=max(0, len(kills) - MAX_FACT_ROWS),
        more_loot=max(0, len(loot) - MAX_FACT_ROWS),
    )


def credit_curve(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """The wallet over time (time, balance), thinned evenly to at most ``MAX_FACT_ROWS`` readings (the first
    and last always kept)."""
    points = list(doc.get("credit_data", {}).get("balance_history") or [])
    if len(points) > MAX_FACT_ROWS:
        step = (len(points) - 1) / (MAX_FACT_ROWS - 1)
        points = [points[round(i * step)] for i in range(MAX_FACT_ROWS)]
    return [(when(p.get("timestamp")), number(p.get("balance"))) for p in points]
