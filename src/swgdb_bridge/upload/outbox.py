"""The durable outbox: an SQLite queue that makes uploads survive crashes, restarts and outages.

A payload is committed here *before* its first send and deleted only after the server confirmed it
(created, updated or unchanged). A crash between the two re-sends it on the next run; the server's
idempotent upsert (same session id and digest → ``unchanged``) turns that at-least-once delivery into
exactly-once storage (``docs/delivery.md``). Attempt counts and ``next_attempt_at`` live in the table, so
backoff survives restarts. Permanent failures move to ``dead_letters`` with the reason. The same file
keeps the upload history: which file, at which content digest, was already queued, so unchanged files
are skipped and a grown file is sent again.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from swgdb_bridge import paths
from swgdb_bridge.errors import StateError, StateWriteError
from swgdb_bridge.payload import is_session_id

STATE_FILE = "uploads.sqlite3"
LOCK_FILE = "uploader.lock"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL UNIQUE,
    digest TEXT NOT NULL,
    source TEXT,
    body BLOB NOT NULL,
    enqueued_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (next_attempt_at, id);
CREATE TABLE IF NOT EXISTS dead_letters (
    session_id TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    source TEXT,
    body BLOB NOT NULL,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    failed_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    file_sha256 TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    recorded_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    session_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    status TEXT NOT NULL,
    delivered_at REAL NOT NULL,
    PRIMARY KEY (session_id, digest)
);
"""


@dataclass(frozen=True, slots=True)
class NewItem:
    """A serialized session about to be queued."""

    session_id: str
    digest: str
    body: bytes
    source: str | None = None


@dataclass(frozen=True, slots=True)
class QueuedItem:
    id: int
    session_id: str
    digest: str
    source: str | None
    body: bytes
    enqueued_at: float
    attempts: int
    next_attempt_at: float
    last_error: str | None


@dataclass(frozen=True, slots=True)
class DeadLetter:
    session_id: str
    digest: str
    source: str | None
    body: bytes
    reason: str
    attempts: int
    failed_at: float


@dataclass(frozen=True, slots=True)
class FileRecord:
    """A session file whose sessions are all queued (or delivered) at this content digest."""

    path: str
    file_sha256: str
    sessions: int


def default_state_path() -> Path:
    return paths.data_dir() / STATE_FILE


_REFUSED_WRITES = frozenset(
    {
        sqlite3.SQLITE_IOERR_WRITE,
        sqlite3.SQLITE_IOERR_FSYNC,
        sqlite3.SQLITE_IOERR_DIR_FSYNC,
        sqlite3.SQLITE_IOERR_TRUNCATE,
        sqlite3.SQLITE_IOERR_SHMSIZE,
    }
)
"""SQLite's codes (besides SQLITE_FULL) for a write the disk refused: over a quota or size limit, failing.
A read error (a short read of a truncated file, say) is not among them: that file may well be corrupt."""


def _state_error(path: Path, exc: sqlite3.Error) -> StateError:
    """The failure and what to do. A full or failing disk leaves the file intact (the write was rolled back),
    so it must not be moved aside: that would drop every queued session whose log file is gone since."""
    code = getattr(exc, "sqlite_errorcode", 0)
    if code & 0xFF == sqlite3.SQLITE_FULL or code in _REFUSED_WRITES:
        return StateWriteError(
            f"the upload state file {path} cannot be written ({exc}): free space on its disk (or check the "
            "disk) and try again; the file is intact and nothing queued in it is lost"
        )
    return StateError(
        f"the upload state file {path} cannot be used ({exc}). If it is corrupt, move it aside and run "
        "`swgdb-bridge upload --force` to rebuild it (sessions queued in it will be read again from your logs)."
    )


class Outbox:
    """Queue, dead letters and upload history in one SQLite file.

    WAL with ``synchronous=NORMAL``: a commit survives any crash of this process; only an OS crash or power
    cut can roll back the last few commits — never half of one. That is enough: a lost confirmation means
    one harmless re-send ("unchanged"), and a lost enqueue loses its file record with it, so the file is
    simply read again. No fsync per session, which matters when sending one session per request.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_state_path()
        paths.ensure_dir(self.path.parent)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self._db.row_factory = sqlite3.Row
            self._migrate()
        except sqlite3.Error as exc:
            raise _state_error(self.path, exc) from None

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StateError(
                f"the upload state file {self.path} was written by a newer swgdb-bridge (schema {version}); "
                "upgrade swgdb-bridge to use it"
            )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One atomic write; every sqlite failure becomes a :class:`StateError` naming the file."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise _state_error(self.path, exc) from None

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise _state_error(self.path, exc) from None

    # -- queue -------------------------------------------------------------------------------------

    def enqueue(
        self, items: Iterable[NewItem], files: Iterable[FileRecord] = (), now: float | None = None
    ) -> int:
        """Queue payloads and record their files, atomically. Returns how many entries are new or changed.

        A queued session that is queued again with another digest (the session grew) is replaced: only the
        newest version is worth sending. The same digest again changes nothing. Queuing a session again
        also takes it out of the dead letters: the new attempt supersedes the old verdict.
        """
        stamp = time.time() if now is None else now
        changed = 0
        with self._tx() as db:
            for item in items:
                cursor = db.execute(
                    "INSERT INTO outbox (session_id, digest, source, body, enqueued_at, next_attempt_at) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET digest = excluded.digest, "
                    "source = excluded.source, body = excluded.body, enqueued_at = excluded.enqueued_at, "
                    "attempts = 0, next_attempt_at = excluded.next_attempt_at, last_error = NULL "
                    "WHERE outbox.digest != excluded.digest",
                    (item.session_id, item.digest, item.source, item.body, stamp, stamp),
                )
                changed += cursor.rowcount
                db.execute("DELETE FROM dead_letters WHERE session_id = ?", (item.session_id,))
            for record in files:
                db.execute(
                    "INSERT OR REPLACE INTO files (path, file_sha256, sessions, recorded_at) VALUES (?, ?, ?, ?)",
                    (record.path, record.file_sha256, record.sessions, stamp),
                )
        return changed

    def due(
        self, now: float | None = None, limit: int = 100, max_bytes: int | None = None
    ) -> list[QueuedItem]:
        """The oldest entries due by ``now``, at most ``limit`` of them and ``max_bytes`` of bodies (≥ 1 entry)."""
        stamp = time.time() if now is None else now
        rows = self._query(
            "SELECT * FROM outbox WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
            (stamp, limit),
        )
        picked: list[QueuedItem] = []
        total = 0
        for row in rows:
            size = len(row["body"])
            if picked and max_bytes is not None and total + size > max_bytes:
                break
            picked.append(QueuedItem(**dict(row)))
            total += size
        return picked

    def confirm(self, item: QueuedItem, status: str, now: float | None = None) -> None:
        """The server stored ``item``: forget it (unless a newer version replaced it meanwhile) and log it."""
        self.confirm_many([(item, status)], now)

    def confirm_many(self, confirmed: Iterable[tuple[QueuedItem, str]], now: float | None = None) -> None:
        """:meth:`confirm` for a whole batch, in one transaction (one fsync, not one per session)."""
        stamp = time.time() if now is None else now
        with self._tx() as db:
            for item, status in confirmed:
                db.execute("DELETE FROM outbox WHERE id = ? AND digest = ?", (item.id, item.digest))
                db.execute(
                    "INSERT OR REPLACE INTO deliveries (session_id, digest, status, delivered_at) "
                    "VALUES (?, ?, ?, ?)",
                    (item.session_id, item.digest, status, stamp),
                )

    def reschedule(self, item: QueuedItem, next_attempt_at: float, error: str) -> None:
        """A transient failure: count the attempt and wait until ``next_attempt_at``."""
        self.reschedule_many([(item, next_attempt_at)], error)

    def reschedule_many(self, items: Iterable[tuple[QueuedItem, float]], error: str) -> None:
        """:meth:`reschedule` for a whole batch that failed together, in one transaction."""
        with self._tx() as db:
            for item, next_attempt_at in items:
                db.execute(
                    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? "
                    "WHERE id = ? AND digest = ?",
                    (next_attempt_at, error, item.id, item.digest),
                )

    def bury(self, item: QueuedItem, reason: str, now: float | None = None) -> None:
        """A permanent failure: move ``item`` to the dead letters with the reason."""
        stamp = time.time() if now is None else now
        with self._tx() as db:
            deleted = db.execute(
                "DELETE FROM outbox WHERE id = ? AND digest = ?", (item.id, item.digest)
            ).rowcount
            if deleted:
                db.execute(
                    "INSERT OR REPLACE INTO dead_letters (session_id, digest, source, body, reason, attempts, "
                    "failed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (item.session_id, item.digest, item.source, item.body, reason, item.attempts + 1, stamp),
                )

    def revive(self, session_ids: Iterable[str] | None = None, now: float | None = None) -> int:
        """Move dead letters (all, or the given session ids) back to the queue, due now.

        Only well-formed session ids are looked up (none other can be queued): a typed argument may hold
        anything, bytes that were not UTF-8 included, which SQLite cannot take."""
        stamp = time.time() if now is None else now
        with self._tx() as db:
            if session_ids is None:
                rows = db.execute("SELECT * FROM dead_letters ORDER BY failed_at, session_id").fetchall()
            else:
                wanted = [i for i in session_ids if is_session_id(i)]
                marks = ",".join("?" * len(wanted))
                rows = db.execute(
                    f"SELECT * FROM dead_letters WHERE session_id IN ({marks}) ORDER BY failed_at, session_id",
                    wanted,
                ).fetchall()
            for row in rows:
                db.execute(
                    "INSERT OR REPLACE INTO outbox (session_id, digest, source, body, enqueued_at, next_attempt_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (row["session_id"], row["digest"], row["source"], row["body"], stamp, stamp),
                )
                db.execute("DELETE FROM dead_letters WHERE session_id = ?", (row["session_id"],))
        return len(rows)

    # -- reading -----------------------------------------------------------------------------------

    def pending(self) -> list[QueuedItem]:
        return [
            QueuedItem(**dict(r)) for r in self._query("SELECT * FROM outbox ORDER BY next_attempt_at, id")
        ]

    def dead_letters(self) -> list[DeadLetter]:
        return [DeadLetter(**dict(r)) for r in self._query("SELECT * FROM dead_letters ORDER BY failed_at")]

    def delivered(self) -> dict[str, str]:
        """Session id → digest of its latest version the server confirmed."""
        rows = self._query("SELECT session_id, digest FROM deliveries ORDER BY delivered_at")
        return {row[0]: row[1] for row in rows}

    def count(self) -> int:
        """Entries in the queue, due or not."""
        return self._query("SELECT COUNT(*) FROM outbox")[0][0]

    def count_due(self, now: float | None = None) -> int:
        stamp = time.time() if now is None else now
        return self._query("SELECT COUNT(*) FROM outbox WHERE next_attempt_at <= ?", (stamp,))[0][0]

    def next_due_at(self) -> float | None:
        return self._query("SELECT MIN(next_attempt_at) FROM outbox")[0][0]

    def file_record(self, path: str) -> FileRecord | None:
        rows = self._query("SELECT path, file_sha256, sessions FROM files WHERE path = ?", (path,))
        return FileRecord(**dict(rows[0])) if rows else None

    def make_all_due(self, now: float | None = None) -> int:
        """Every queued entry due now (``--force``): the user overrides any wait a server asked for."""
        stamp = time.time() if now is None else now
        with self._tx() as db:
            return db.execute(
                "UPDATE outbox SET next_attempt_at = ? WHERE next_attempt_at > ?", (stamp, stamp)
            ).rowcount

    def forget_files(self) -> None:
        """Drop the file history (``--force``): every file is read and queued again."""
        with self._tx() as db:
            db.execute("DELETE FROM files")

    def stats(self) -> dict[str, Any]:
        """Counts for ``swgdb-bridge stats``: queue, dead letters, files seen, deliveries by status."""
        by_status = {
            r[0]: r[1] for r in self._query("SELECT status, COUNT(*) FROM deliveries GROUP BY status")
        }
        last = self._query("SELECT MAX(delivered_at) FROM deliveries")[0][0]
        return {
            "queued": self.count(),
            "dead_letters": self._query("SELECT COUNT(*) FROM dead_letters")[0][0],
            "files_seen": self._query("SELECT COUNT(*) FROM files")[0][0],
            "sessions_delivered": self._query("SELECT COUNT(DISTINCT session_id) FROM deliveries")[0][0],
            "deliveries": by_status,
            "last_delivery_at": last,
        }


class UploaderLock:
    """One uploader per data folder: an OS lock on ``uploader.lock``, released by the OS if we die.

    The OS lock (``flock``/``msvcrt.locking``) rather than a pid file, so a SIGKILLed uploader never
    leaves a stale lock behind. The pid inside is only there to name the holder in the error message.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.path = (folder or paths.data_dir()) / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> UploaderLock:
        paths.ensure_dir(self.path.parent)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NONBLOCK", 0), 0o600)
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # a FIFO or device: no lock, no pid to write
                os.close(fd)
                raise OSError(errno.EINVAL, "not a regular file")
        except OSError as exc:  # a folder in its place, no permission, a read-only disk
            raise StateError(
                f"cannot open the uploader's lock file {self.path} ({exc.strerror or exc}); remove whatever "
                "is in its place or make the folder writable"
            ) from None
        try:
            _lock_fd(fd)
        except OSError:
            os.lseek(fd, 0, os.SEEK_SET)
            holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise StateError(
                f"another swgdb-bridge uploader (pid {holder}) is already using {self.path.parent}; "
                "wait for it to finish or stop it (only one uploader may run per data folder)"
            ) from None
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = None

    def __enter__(self) -> UploaderLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _lock_fd(fd: int) -> None:
    """Non-blocking exclusive lock; ``OSError`` when someone else holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
