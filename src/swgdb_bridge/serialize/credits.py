"""``credit_data``: credits gained, how fast, and the balance over time.

``total_credits_gained`` is the session's net change, floored at 0 (the schema has no negative gain):
a session that lost money gained nothing, and its losses stay visible in ``credit_events`` and
``balance_history``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from swgdb_bridge.model import CreditChange, Session
from swgdb_bridge.serialize.classify import CREDIT_SOURCES, Classifier
from swgdb_bridge.serialize.units import Lazy, per_hour, utc

_TRANSFERS = Classifier((("transfer", ("transfer", "bank")),))


def credit_data(session: Session, minutes: float, *, include_events: bool) -> dict[str, Any]:
    gained = max(0, session.total_credits)
    return {
        "total_credits_gained": gained,
        "credits_per_hour": per_hour(gained, minutes),
        "credit_events": Lazy(session.credit_changes, _event) if include_events else [],
        "balance_history": balance_history(session, include_events=include_events),
    }


def transaction_type(change: CreditChange) -> str:
    """Moving money between one's own accounts is a transfer; otherwise the sign decides."""
    return _TRANSFERS(change.source, default="loss" if change.amount < 0 else "gain")


def _event(change: CreditChange) -> dict[str, Any]:
    return {
        "timestamp": utc(change.timestamp),
        "amount": change.amount,
        "source": CREDIT_SOURCES(change.source),
        "balance_after": change.balance_after,
        "transaction_type": transaction_type(change),
    }


def balance_history(session: Session, *, include_events: bool) -> Lazy[tuple[datetime | None, int]]:
    """Start balance, the running balance after each change, end balance — whatever the log lets us know.

    A change that states ``balance_after`` resets the running balance (the game's figure wins over our sum);
    without a known balance, changes are skipped until one is known. Without events only the ends remain.
    """
    if session.credit_curve:
        return _curve(session, include_events=include_events)
    points: list[tuple[datetime | None, int]] = []
    balance = session.credits_start
    if balance is not None:
        points.append((session.start_time, balance))
    if include_events:
        for change in session.credit_changes:
            if change.balance_after is not None:
                balance = change.balance_after
            elif balance is not None:
                balance += change.amount
            else:
                continue
            points.append((change.timestamp, balance))
    if session.credits_end is not None:
        points.append((session.end_time, session.credits_end))
    return Lazy(points, _point)


def _point(point: tuple[datetime | None, int]) -> dict[str, Any]:
    return {"timestamp": utc(point[0]), "balance": point[1]}


def _curve(session: Session, *, include_events: bool) -> list[dict[str, Any]]:
    """An assembled session's wallet readings (the credit tracker's history), framed by the start and end
    balances when known; without events only those two ends (or the first and last reading) remain."""
    readings = [(c.timestamp, c.balance) for c in session.credit_curve]
    first = (session.start_time, session.credits_start) if session.credits_start is not None else readings[0]
    last = (session.end_time, session.credits_end) if session.credits_end is not None else readings[-1]
    points = [first, *(readings if include_events else []), last]
    return [{"timestamp": utc(moment), "balance": value} for moment, value in dict.fromkeys(points)]
