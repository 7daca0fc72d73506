"""The atomic statements the cross-worker rules rest on, built once per SQL dialect.

A nonce accepted once, a shared rate-limit counter, one row per session: each is a single
``INSERT … ON CONFLICT`` that SQLite and PostgreSQL both execute atomically. Building such a statement in
SQLAlchemy costs more than running it (the ``excluded`` namespace is rebuilt every time), so each is made
once per dialect and executed with a parameter dict; SQLAlchemy then reuses its compiled form as well.

Sessions arrive as one JSON array parameter (``sessions``) that the database itself unpacks into rows
(``json_each`` on SQLite, ``jsonb_to_recordset`` on PostgreSQL): one fixed statement stores a batch of
any size, instead of one statement per session or a new statement text per batch size. On PostgreSQL,
:func:`admit_and_store` puts nonce, rate-limit hit and upsert into one statement: one round trip.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Integer,
    String,
    bindparam,
    case,
    cast,
    column,
    exists,
    func,
    literal,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from swgdb_bridge.server.db.tables import UTCDateTime, nonces, rate_limits, sessions, users

_KEPT_ON_UPDATE = {"id", "user_id", "session_id", "received_at", "last_status"}
_SET_BY_SERVER = {"id", "user_id", "last_status", "received_at", "updated_at"}
ROW_COLUMNS = tuple(c for c in sessions.columns if c.name not in _SET_BY_SERVER)
"""The ``sessions`` columns each element of the ``sessions`` parameter carries, by name."""


def _insert(dialect: str) -> Any:
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


@cache
def claim_nonce(dialect: str) -> Any:
    """Parameters: user_hash, nonce, expires_at. Returns a row only if the nonce was new."""
    return _insert(dialect)(nonces).on_conflict_do_nothing().returning(nonces.c.nonce)


def _hit_counted(statement: Any) -> Any:
    """A hit from a newer window restarts the count; one from an older window (a worker whose clock lags)
    counts toward the current one rather than resetting it."""
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
def count_hit(dialect: str) -> Any:
    """Parameters: bucket, window_ends_at, hits=1. Returns the window's hits and end after this one."""
    return _hit_counted(_insert(dialect)(rate_limits))


def _incoming(dialect: str) -> Any:
    """The ``sessions`` JSON array parameter as rows with the columns of :data:`ROW_COLUMNS`."""
    if dialect == "postgresql":
        records = func.jsonb_to_recordset(cast(bindparam("sessions", type_=String), postgresql.JSONB))
        return records.table_valued(*(column(c.name, c.type) for c in ROW_COLUMNS)).render_derived(
            "incoming", with_types=True
        )
    items = func.json_each(bindparam("sessions", type_=String)).table_valued("value")
    return (
        select(*(func.json_extract(items.c.value, f"$.{c.name}").label(c.name) for c in ROW_COLUMNS))
        .select_from(items)
        .subquery("incoming")
    )


def _upsert_rows(dialect: str, *conditions: Any) -> Any:
    """INSERT the incoming rows for user ``user_hash`` at time ``now``; an existing row is overwritten only
    when its digest differs. Returns one row per session created or updated; an unchanged one returns none.
    """
    incoming = _incoming(dialect)
    now = bindparam("now", type_=UTCDateTime())
    user_id = select(users.c.id).where(users.c.user_hash == bindparam("user_hash")).scalar_subquery()
    rows = select(user_id, *(incoming.c[c.name] for c in ROW_COLUMNS), literal("created"), now, now).where(
        user_id.is_not(None), *conditions
    )
    names = ["user_id", *(c.name for c in ROW_COLUMNS), "last_status", "received_at", "updated_at"]
    statement = _insert(dialect)(sessions).from_select(names, rows)
    changes = {c.name: statement.excluded[c.name] for c in sessions.columns if c.name not in _KEPT_ON_UPDATE}
    return statement.on_conflict_do_update(
        index_elements=[sessions.c.user_id, sessions.c.session_id],
        set_={**changes, "last_status": literal("updated")},
        where=sessions.c.digest != statement.excluded.digest,
    ).returning(sessions.c.session_id, sessions.c.last_status, sessions.c.received_at, sessions.c.updated_at)


@cache
def upsert_sessions(dialect: str) -> Any:
    """Parameters: user_hash, now, sessions (JSON array, see :data:`ROW_COLUMNS`); see :func:`_upsert_rows`.

    No row comes back for an unknown user_hash either: the caller tells that apart from "unchanged".
    """
    return _upsert_rows(dialect)


@cache
def admit_and_store() -> Any:
    """PostgreSQL only, one statement: claim the nonce, then count a hit, then upsert the sessions.

    Parameters: those of :func:`claim_nonce` (``nonce_expires_at`` for expires_at), of :func:`count_hit`
    (bucket, window_ends_at), of :func:`upsert_sessions`, and ``limit``. A replayed nonce counts no hit and
    stores nothing; a hit over the limit is counted and stores nothing. Returns one row: ``fresh``,
    ``hits`` and ``window_ends_at`` (NULL when not fresh), ``known`` (the user exists) and ``changed``
    (a JSON array of [session_id, last_status] for each session created or updated).
    """
    claimed = (
        postgresql.insert(nonces)
        .values(
            user_hash=bindparam("user_hash"),
            nonce=bindparam("nonce"),
            expires_at=bindparam("nonce_expires_at", type_=UTCDateTime()),
        )
        .on_conflict_do_nothing()
        .returning(nonces.c.nonce)
        .cte("claimed")
    )
    first_hit = select(
        bindparam("bucket", type_=String), bindparam("window_ends_at", type_=BigInteger), literal(1)
    ).select_from(claimed)
    hit = _hit_counted(
        postgresql.insert(rate_limits).from_select(["bucket", "window_ends_at", "hits"], first_hit)
    ).cte("hit")
    within = exists(select(hit.c.hits).where(hit.c.hits <= bindparam("limit", type_=Integer)))
    stored = _upsert_rows("postgresql", within).cte("stored")
    changed = select(
        func.coalesce(
            func.json_agg(func.json_build_array(stored.c.session_id, stored.c.last_status)),
            cast(literal("[]"), postgresql.JSON),
        )
    ).scalar_subquery()
    return select(
        exists(select(claimed.c.nonce)).label("fresh"),
        select(hit.c.hits).scalar_subquery().label("hits"),
        select(hit.c.window_ends_at).scalar_subquery().label("window_ends_at"),
        exists(select(users.c.id).where(users.c.user_hash == bindparam("user_hash"))).label("known"),
        changed.label("changed"),
    )
