"""Time and rate arithmetic shared by every payload section."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

RATE_DIGITS = 2
T = TypeVar("T")


class Lazy(Generic[T]):
    """A per-event list of a payload, not built yet: the records and how one entry is made of each.

    The serializer keeps only the two ends of a long list (``serializer.keep_ends``); entries for the
    records in between are never made.
    """

    __slots__ = ("make", "records")

    def __init__(self, records: Sequence[T], make: Callable[[T], dict[str, Any]]) -> None:
        self.records = records
        self.make = make

    def __len__(self) -> int:
        return len(self.records)

    def build(self, start: int, stop: int) -> list[dict[str, Any]]:
        return [self.make(record) for record in self.records[start:stop]]


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
    return in_minutes(end - start)


def in_minutes(span: timedelta) -> float:
    """A time span in (fractional) minutes."""
    return span.total_seconds() / 60.0


def per_hour(amount: float, minutes: float) -> float:
    """``amount`` per hour over ``minutes``; 0 for an instant session (no rate can be told)."""
    if minutes <= 0 or amount <= 0:
        return 0.0
    return round(amount * 60.0 / minutes, RATE_DIGITS)


def add(totals: dict[str, int], key: str | None, amount: int) -> None:
    """``totals[key] += amount`` for known keys (an event without a key adds to no bucket)."""
    if key:
        totals[key] = totals.get(key, 0) + amount
