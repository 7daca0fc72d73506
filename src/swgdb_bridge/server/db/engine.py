"""SQLAlchemy engines for the two supported databases, set up so several threads and processes share one.

SQLite is the zero-setup default, PostgreSQL the scale-out engine. SQLite needs care: WAL so readers never
block the writer, a busy timeout so writers queue instead of failing, and ``BEGIN IMMEDIATE`` for write
transactions — a deferred transaction that reads first and writes later can fail with "database is locked"
at once, whatever the timeout, when another connection wrote in between.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from swgdb_bridge.errors import ConfigError
from swgdb_bridge.paths import ensure_dir, expand_user

SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE_OPTION = "swgdb_write"
"""Execution option marking an engine whose transactions will write (``BEGIN IMMEDIATE`` on SQLite)."""

_PG_ALIASES = {"postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg3"}


def parse_database_url(url: str) -> URL:
    """Parse ``url``; plain ``postgres://`` / ``postgresql://`` mean the psycopg 3 driver we ship.

    A port that is no TCP port (``:abc``, ``:99999``, an unclosed ``[::1``) or text that is not printable
    (bytes that were not UTF-8, which the driver cannot encode) is refused here, with the other malformed
    URLs: SQLAlchemy raises ``ValueError`` for some, and lets others through to a
    misleading "cannot resolve host" from the driver. The URL is never repeated (it may hold a password).
    """
    try:
        if not url.isprintable():  # a control character, or a surrogate from bytes that were not UTF-8
            raise ValueError(url)
        parsed = make_url(url)
        port = parsed.port
    except (ArgumentError, ValueError):
        port = -1
    if port is not None and not 0 < port <= 65535:
        raise ConfigError(
            "the database URL is not valid: use sqlite:///PATH or postgresql+psycopg://USER@HOST[:PORT]/DB "
            "with a port from 1 to 65535 (--database-url or SWGDB_DATABASE_URL)"
        ) from None
    if parsed.drivername in _PG_ALIASES:
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername in {"sqlite", "sqlite+pysqlite"}:
        return parsed
    raise ConfigError(
        f"database URL scheme {parsed.drivername!r} is not supported: use sqlite:///PATH or "
        "postgresql+psycopg://USER@HOST/DB (--database-url or SWGDB_DATABASE_URL)"
    )


def in_memory(url: URL) -> bool:
    """An SQLite database held in memory (``sqlite://``, ``:memory:``, ``mode=memory``): gone with the process."""
    database = url.database or ""
    return url.get_backend_name() == "sqlite" and (
        not database or ":memory:" in database or "mode=memory" in database
    )


def safe_url(url: URL) -> str:
    """The URL with its password masked, for messages and logs."""
    return url.render_as_string(hide_password=True)


def make_engine(url: URL) -> Engine:
    """An engine for ``url`` (from :func:`parse_database_url`), storing JSON with orjson."""
    json_kwargs: dict[str, Any] = {
        "json_serializer": lambda value: orjson.dumps(value).decode(),
        "json_deserializer": orjson.loads,
    }
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, json_kwargs)
    return create_engine(url, pool_pre_ping=True, **json_kwargs)


def writer(engine: Engine) -> Engine:
    """The same engine (and pool) whose transactions announce that they will write."""
    return engine.execution_options(**{WRITE_OPTION: True})


def _sqlite_engine(url: URL, json_kwargs: dict[str, Any]) -> Engine:
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        ensure_dir(expand_user(url.database, "the database URL's file").resolve().parent)
    engine = create_engine(url, **json_kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver must not BEGIN on its own: we do, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        _switch_to_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")  # durable across app crashes in WAL mode
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = "IMMEDIATE" if connection.get_execution_options().get(WRITE_OPTION) else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _switch_to_wal(cursor: Any) -> None:
    """``PRAGMA journal_mode = WAL``, retried while another process holds the lock for the same switch.

    SQLite does not apply ``busy_timeout`` to this pragma: when several workers open a new database file at
    once, all but one get "database is locked" at once. Retry for as long as the busy timeout would wait.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
