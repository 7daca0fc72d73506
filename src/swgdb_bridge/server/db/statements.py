"""The atomic statements the cross-worker rules rest on, built once per SQL dialect.

A nonce accepted once, a shared rate-limit counter, one row per session: each is a single
``INSERT … ON CONFLICT`` that SQLite and PostgreSQL both execute atomically. Building such a statement in
SQLAlchemy costs more than running it (the ``excluded`` namespace is rebuilt every time), so each is made
once per dialect and executed with a parameter dict; SQLAlchemy then reuses its compiled form as well.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import case, literal
from sqlalchemy.dialects import postgresql, sqlite

from swgdb_bridge.server.db.tables import nonces, rate_limits, sessions

_KEPT_ON_UPDATE = {"id", "user_id", "session_id", "received_at", "last_status"}


def _insert(dialect: str) -> Any:
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


@cache
def claim_nonce(dialect: str) -> Any:
    """Parameters: user_hash, nonce, expires_at. Returns a row only if the nonce was new."""
    return _insert(dialect)(nonces).on_conflict_do_nothing().returning(nonces.c.nonce)


@cache
def count_hit(dialect: str) -> Any:
    """Parameters: bucket, window_ends_at, hits=1. Returns the window's hits and end after this one.

    A hit from a newer window restarts the count; one from an older window (a worker whose clock lags)
    counts toward the current one rather than resetting it.
    """
    statement = _insert(dialect)(rate_limits)
    newer = statement.excluded.window_ends_at > rate_limits.c.window_ends_at
    return statement.on_conflict_do_update(
        index_elements=[rate_limits.c.bucket],
        set_={
            "hits": case((newer, 1), else_=rate_limits.c.hits + 1),
            "window_ends_at": case(
                (newer, statement.excluded.window_ends_at), else_=rate_limits.c.window_ends_at
            ),
        },
    ).returning(rate_limits.c.hits, rate_limits.c.window_ends_at)


@cache
def upsert_session(dialect: str) -> Any:
    """Parameters: every ``sessions`` column but ``id``, with last_status="created".

    Inserts, or overwrites the row only when the digest differs; no row returned means "unchanged".
    """
    statement = _insert(dialect)(sessions)
    changes = {c.name: statement.excluded[c.name] for c in sessions.columns if c.name not in _KEPT_ON_UPDATE}
    return statement.on_conflict_do_update(
        index_elements=[sessions.c.user_id, sessions.c.session_id],
        set_={**changes, "last_status": literal("updated")},
        where=sessions.c.digest != statement.excluded.digest,
    ).returning(sessions.c.last_status, sessions.c.received_at, sessions.c.updated_at)
