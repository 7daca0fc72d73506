"""Time and rate arithmetic shared by every payload section."""

from __future__ import annotations

from datetime import UTC, datetime

RATE_DIGITS = 2


def utc(moment: datetime | None) -> datetime | None:
    """Aware UTC (the model promises it; this keeps a reader's slip from reaching the payload)."""
    if moment is None or moment.tzinfo is UTC:
        return moment
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def minutes_between(start: datetime | None, end: datetime | None) -> float | None:
    """Minutes from ``start`` to ``end``; ``None`` if either is unknown or the order is reversed."""
    if start is None or end is None or end < start:
        return None
    return (end - start).total_seconds() / 60.0


def per_hour(amount: float, minutes: float) -> float:
    """``amount`` per hour over ``minutes``; 0 for an instant session (no rate can be told)."""
    if minutes <= 0 or amount <= 0:
        return 0.0
    return round(amount * 60.0 / minutes, RATE_DIGITS)


def add(totals: dict[str, int], key: str | None, amount: int) -> None:
    """``totals[key] += amount`` for known keys (an event without a key adds to no bucket)."""
    if key:
        totals[key] = totals.get(key, 0) + amount
