"""The viewer's summary index: SQLite in the app's data folder, one row per file in the session folders.

A row is keyed by the file's absolute path and remembers its size, mtime and SHA-256; a session's summary
sits on the row of its head file (one play session spans many of the bot's files). A warm refresh only
stat()s the files; a file whose size or mtime changed is hashed (a ``touch`` costs a hash, not a parse).
When some file's bytes changed, or a file appeared or disappeared, the folders are read and assembled
again, since any change may move a part from one session to another. Rows of files that disappeared from
the scanned folders are dropped.
Besides the summary, each row keeps the texts the search box looks through (local data, like the logs it
came from), so a search never opens the session files either.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from swgdb_bridge import __version__, paths
from swgdb_bridge.errors import StateError
from swgdb_bridge.sources import file_digest
from swgdb_bridge.viewer.errors import SearchPatternError
from swgdb_bridge.viewer.summary import SessionSummary

# Bump when what a row holds changes: every row is then rebuilt on the next scan.
INDEX_VERSION = f"3/{__version__}"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    digest TEXT NOT NULL,
    summary BLOB,          -- orjson of SessionSummary.to_dict(); NULL when the file is a problem
    problem TEXT,          -- why the file could not be read; NULL when it could
    members TEXT           -- a session's head: what its summary was made from (see IndexEntry.members)
);
CREATE TABLE IF NOT EXISTS texts (path TEXT NOT NULL, field TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS texts_path ON texts (path);
CREATE TABLE IF NOT EXISTS outcomes (
    path TEXT PRIMARY KEY,
    kind TEXT NOT NULL,    -- not_session (skipped quietly) or lifetime (the bot's cumulative totals)
    data BLOB              -- orjson of the lifetime totals
);
CREATE TABLE IF NOT EXISTS discoveries (roots TEXT PRIMARY KEY, stamps BLOB NOT NULL, files BLOB NOT NULL);
"""


@dataclass(slots=True)
class IndexEntry:
    """What a (re)read of one file produced: a summary and its search texts, or the reason it failed."""

    digest: str
    # The file's size and mtime taken *before* it was read: if it changed while being read (a live
    # session still being written), the next scan sees a difference and reads it again.
    size: int = -1
    mtime_ns: int = -1
    summary: SessionSummary | None = None
    texts: list[tuple[str, str]] = field(default_factory=list)
    problem: str | None = None
    lifetime: dict[str, object] | None = None  # cumulative totals with no times (session_state.json)
    not_session: bool = False  # valid JSON of no session shape: counted, not a problem
    # A session's head file: a fingerprint of the session's files (paths and bytes) and of the options its
    # summary was made with. The same fingerprint on the next scan means the same summary: it is reused.
    members: str | None = None
    reused: bool = False


@dataclass(slots=True)
class Problem:
    path: str
    reason: str


@dataclass(slots=True)
class ScanReport:
    """What one refresh did; ``read`` is the number of files parsed, ``reused`` the sessions among them whose
    files were all unchanged, so their summaries were kept instead of serialized again (the expensive part)."""

    files: int = 0
    unchanged: int = 0
    touched: int = 0
    read: int = 0
    dropped: int = 0
    reused: int = 0


# The summary and search texts last made for a session's head file from the same ``members``, if any.
Reuse = Callable[[str, str], tuple[SessionSummary, list[tuple[str, str]]] | None]
# Builds entries for files that must be (re)read; given the list so it may spread the work over processes.
Builder = Callable[[list[str], Reuse], Iterator[tuple[str, IndexEntry]]]
Progress = Callable[[int, int], None]


def _under(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


class SummaryIndex:
    """Open (creating if needed) the index at ``db_path``."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path
        paths.ensure_dir(db_path.parent)
        try:
            # Used from whichever thread the viewer is called in (the TUI's workers); the viewer's lock
            # makes those calls one at a time.
            self._db = sqlite3.connect(db_path, timeout=30, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
            self._check_version()
        except sqlite3.DatabaseError as exc:
            raise StateError(
                f"viewer index {db_path} is unreadable ({exc}); delete it and it is rebuilt on the next run"
            ) from None
        self._db.create_function("regexp", 2, _regexp, deterministic=True)

    def close(self) -> None:
        self._db.close()

    def _check_version(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        if row and row[0] == INDEX_VERSION:
            return
        with self._db:  # an index of another version may have other columns: made again, empty
            for table in ("files", "texts", "outcomes", "discoveries"):
                self._db.execute(f"DROP TABLE IF EXISTS {table}")
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (INDEX_VERSION,))
        self._db.executescript(_SCHEMA)

    def refresh(
        self, files: Iterable[str], roots: Iterable[str], build: Builder, progress: Progress | None = None
    ) -> ScanReport:
        """Bring the rows for ``files`` (absolute paths under ``roots``) up to date with the disk."""
        report = ScanReport()
        known = {
            row[0]: row[1:] for row in self._db.execute("SELECT path, size, mtime_ns, digest FROM files")
        }
        seen: set[str] = set()
        stale: list[str] = []
        touched: list[tuple[int, int, str]] = []
        for path in files:
            try:
                stat = os.stat(path)
            except OSError:
                continue  # vanished between discovery and now: treated as deleted
            seen.add(path)
            old = known.get(path)
            if old is not None and old[0] == stat.st_size and old[1] == stat.st_mtime_ns:
                report.unchanged += 1
            elif old is not None and _same_bytes(path, old[2]):
                touched.append((stat.st_size, stat.st_mtime_ns, path))
            else:
                stale.append(path)
        report.files = len(seen)
        report.touched = len(touched)
        root_tuple = tuple(roots)
        gone = [p for p in known if p not in seen and _under(p, root_tuple)]
        with self._db:
            self._db.executemany("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?", touched)
            self._delete(gone)
        report.dropped = len(gone)
        if stale or gone:  # one change may move parts between sessions: assemble the folders again
            report.unchanged = 0
            stale = sorted(seen)
        report.read, report.reused = self._rebuild(stale, build, progress)
        return report

    def _delete(self, paths: list[str]) -> None:
        rows = [(p,) for p in paths]
        self._db.executemany("DELETE FROM files WHERE path = ?", rows)
        self._db.executemany("DELETE FROM texts WHERE path = ?", rows)
        self._db.executemany("DELETE FROM outcomes WHERE path = ?", rows)

    def _rebuild(self, paths: list[str], build: Builder, progress: Progress | None) -> tuple[int, int]:
        """Re-read ``paths`` and store what came out, committing in batches so a crash loses little;
        returns how many files were read and how many sessions' summaries were reused."""
        done = reused = 0
        batch: list[tuple[str, IndexEntry]] = []
        for item in build(paths, self._reusable) if paths else ():
            batch.append(item)
            done += 1
            reused += item[1].reused
            if len(batch) >= 500:
                self._store(batch)
                batch = []
            if progress:
                progress(done, len(paths))
        self._store(batch)
        return done, reused

    def _reusable(self, head: str, members: str) -> tuple[SessionSummary, list[tuple[str, str]]] | None:
        row = self._db.execute(
            "SELECT summary FROM files WHERE path = ? AND members = ? AND summary IS NOT NULL",
            (head, members),
        ).fetchone()
        if row is None:
            return None
        texts = self._db.execute("SELECT field, text FROM texts WHERE path = ?", (head,)).fetchall()
        return SessionSummary.from_dict(orjson.loads(row[0])), [(field, text) for field, text in texts]

    def _store(self, entries: list[tuple[str, IndexEntry]]) -> None:
        with self._db:
            self._delete([path for path, _ in entries])
            for path, entry in entries:
                blob = orjson.dumps(entry.summary.to_dict()) if entry.summary else None
                self._db.execute(
                    "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (path, entry.size, entry.mtime_ns, entry.digest, blob, entry.problem, entry.members),
                )
                self._db.executemany(
                    "INSERT INTO texts VALUES (?, ?, ?)", [(path, f, t) for f, t in entry.texts]
                )
                if entry.lifetime is not None or entry.not_session:
                    kind = "lifetime" if entry.lifetime is not None else "not_session"
                    data = orjson.dumps(entry.lifetime) if entry.lifetime is not None else None
                    self._db.execute("INSERT INTO outcomes VALUES (?, ?, ?)", (path, kind, data))

    def remembered_files(self, roots: list[str]) -> tuple[list[str], list[tuple[str, int]]] | None:
        """The files last discovered under ``roots`` and the folder stamps taken then (see ``discovery``)."""
        row = self._db.execute(
            "SELECT files, stamps FROM discoveries WHERE roots = ?", (_key(roots),)
        ).fetchone()
        return (orjson.loads(row[0]), [tuple(s) for s in orjson.loads(row[1])]) if row else None

    def remember_files(self, roots: list[str], files: list[str], stamps: list[tuple[str, int]]) -> None:
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO discoveries VALUES (?, ?, ?)",
                (_key(roots), orjson.dumps(stamps), orjson.dumps(files)),
            )

    def summaries(self, paths: set[str]) -> list[SessionSummary]:
        """Summaries of the readable files among ``paths``."""
        rows = self._db.execute("SELECT path, summary FROM files WHERE summary IS NOT NULL")
        return [SessionSummary.from_dict(orjson.loads(blob)) for path, blob in rows if path in paths]

    def problems(self, paths: set[str]) -> list[Problem]:
        """Files among ``paths`` that could not be read, and why."""
        rows = self._db.execute("SELECT path, problem FROM files WHERE problem IS NOT NULL ORDER BY path")
        return [Problem(path, reason) for path, reason in rows if path in paths]

    def not_sessions(self, paths: set[str]) -> int:
        """How many files among ``paths`` are valid JSON of no session shape (skipped quietly)."""
        rows = self._db.execute("SELECT path FROM outcomes WHERE kind = 'not_session'")
        return sum(1 for (path,) in rows if path in paths)

    def lifetime(self, paths: set[str]) -> list[tuple[str, dict[str, object]]]:
        """The bot's cumulative totals (path, totals) among ``paths``: shown, never a session."""
        rows = self._db.execute("SELECT path, data FROM outcomes WHERE kind = 'lifetime' ORDER BY path")
        return [(path, orjson.loads(data)) for path, data in rows if path in paths]

    def search(self, paths: set[str], text: str, regex: bool) -> list[tuple[str, str, str]]:
        """(path, field, text) rows whose text contains ``text`` (case-insensitive) or matches the regex.

        Text that is not UTF-8 (a typed argument's undecodable bytes, as surrogates) matches nothing the
        index holds, and SQLite could not even take it: no rows, as for any other text found nowhere."""
        if not text.isascii() and not _is_utf8(text):
            return []
        if regex:
            _compile(text)  # raise our own error before SQLite wraps it in its own
            query = "SELECT path, field, text FROM texts WHERE regexp(?, text)"
        else:
            query = "SELECT path, field, text FROM texts WHERE instr(lower(text), lower(?)) > 0"
        return [row for row in self._db.execute(query, (text,)) if row[0] in paths]


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _key(roots: list[str]) -> str:
    return "\n".join(roots)


def _same_bytes(path: str, digest: str) -> bool:
    try:
        return file_digest(path) == digest
    except OSError:
        return False


def _compile(pattern: str) -> re.Pattern[str]:
    """Regex search ignores case like plain search; a bad pattern is the user's error, said plainly."""
    compiled = _patterns.get(pattern)
    if compiled is None:
        try:
            compiled = _patterns[pattern] = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise SearchPatternError(
                f"search pattern {pattern!r} is not a valid regular expression: {exc}"
            ) from None
    return compiled


_patterns: dict[str, re.Pattern[str]] = {}


def _regexp(pattern: str, text: str) -> bool:
    return _compile(pattern).search(text) is not None
