"""Limits past which a figure is corrupt data rather than a session, shared by every format."""

from __future__ import annotations

from datetime import datetime, timedelta

from swgdb_bridge.sources._fields import Fields

MAX_XP = 10**9  # more XP than this in one session (or one event) is a corrupt file, not a good night
MAX_TOTAL = 10**12  # a lifetime XP counter or wallet this big is corrupt (the game caps far lower)
MAX_SESSION = timedelta(hours=24)  # longer is sessions glued together or a clock jump
MAX_SESSION_MINUTES = MAX_SESSION.total_seconds() / 60
# One file's view of a run may state more than 24 h (the assembly refuses that run whole, with its reason),
# never more than a year: a bot process can run for weeks, and a larger figure is a corrupt file.
MAX_PART_SPAN = timedelta(days=366)
# A bot that writes nothing for this long has stopped: its next entry in a file kept across runs (the XP
# history, a step log of a bot process left running) starts another run.
RUN_GAP = timedelta(minutes=30)


def session_span(
    f: Fields, start_key: str = "start_time", end_key: str = "end_time"
) -> tuple[datetime, datetime]:
    """Read a required start/end pair and refuse spans that cannot be one session."""
    start, end = f.need_time(start_key), f.need_time(end_key)
    check_span(f, end_key, start, end)
    return start, end


def check_span(
    f: Fields, end_key: str, start: datetime, end: datetime, longest: timedelta | None = MAX_SESSION
) -> None:
    """Refuse an end before the start, and a span over ``longest``. The MS11 bot's part files pass ``None``:
    a part is one file's view of a play session, and the assembly judges the whole session's length."""
    if end < start:
        f.fail(end_key, f"session ends ({end.isoformat()}) before it starts ({start.isoformat()})")
    if longest is not None and end - start > longest:
        hours = (end - start).total_seconds() / 3600
        f.fail(end_key, f"session lasts {hours:.1f} h, over the 24 h limit; split the log into sessions")


def declared_duration(
    f: Fields, key: str = "duration_minutes", longest: timedelta | None = MAX_SESSION
) -> float | None:
    """A stated duration must be 0–24 h (0 or more for a part, see :func:`check_span`); the span computed from
    the timestamps stays authoritative."""
    top = longest.total_seconds() / 60 if longest is not None else None
    return f.number(key, minimum=0, maximum=top)


def session_id(f: Fields, key: str = "session_id") -> str:
    """The file's own id, kept as written; the serializer fits it to the upload pattern."""
    value = f.need_text(key).strip()
    if not value:
        f.fail(key, "is empty; a session needs an id")
    if len(value) > 200 or not value.isprintable():
        f.fail(key, "is not a plausible id (over 200 characters or control characters)")
    return value
