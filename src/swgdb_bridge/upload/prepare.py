"""Session files → outbox entries: pick the files that changed, assemble the play sessions, serialize them.

The MS11 bot scatters one play session over many files, so a changed file is not a session: when any file
changed, every file found is assembled (``swgdb_bridge.assemble``) and each session built from a changed
file is serialized again, under its own session id (stable whatever order the files were found in), so
the outbox replaces a queued older version and the server answers ``updated``. A lone whole-session file
(tracker, JSON Lines) is a session by itself, as before.

Serializing is the costly step (the sanitizer's fail-closed re-scan of every string), so a backfill of many
sessions may be spread over worker processes; the outbox itself is written only by the calling process, in
the order the sessions were assembled. Workers are opt-in (``workers``) and Linux-only: they are forked, because
``spawn`` would re-import the caller's main module (a user's script, or ``python -m swgdb_bridge``) in every
worker; a worker only reads, sanitizes and serializes, touching no lock another thread could hold.
Elsewhere the files are prepared in this process. Nothing here sends anything.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path

from swgdb_bridge.errors import BridgeError, SessionFileError
from swgdb_bridge.model import Session
from swgdb_bridge.payload import content_digest
from swgdb_bridge.payload_fast import AnyPayload, SealedPayload
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.sources import file_digest
from swgdb_bridge.upload.outbox import FileRecord, NewItem, Outbox

# Below this many sessions, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 48
MAX_WORKERS = 4
CHUNK = 8


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file whose bytes differ from what the history recorded (or that --force re-sends)."""

    path: Path
    sha256: str


@dataclass(frozen=True, slots=True)
class Prepared:
    """One session's outcome: an entry to queue, or why there is none (``old`` or an error message).

    It names the session and its files rather than holding it: a worker sends this back to the caller, and
    the session itself (several times the payload's size, pickled) is not needed there any more.
    """

    session_id: str
    files: tuple[Path, ...]
    item: NewItem | None = None
    too_old: bool = False
    error: str | None = None


@dataclass(slots=True)
class Changes:
    """What one pass found: sessions to (re)send, files to record as read, and what went wrong."""

    sessions: list[Session] = field(default_factory=list)
    records: dict[Path, FileRecord] = field(default_factory=dict)  # by file: digest and sessions it heads
    errors: list[str] = field(default_factory=list)
    unchanged: int = 0  # sessions none of whose files changed


def changed_sessions(files: Sequence[Path], candidates: Sequence[Candidate]) -> Changes:
    """Assemble every file found; keep the sessions built from at least one changed file.

    Each changed file is recorded at its digest (non-session files and lifetime totals too, so they are not
    read again until they change), except files still being written (read again next pass) and unreadable
    ones (reported again). A session's first file records it (``sessions=1``), for the unchanged count.
    """
    from swgdb_bridge.assemble import assemble_paths, session_files

    result = assemble_paths(files)
    changed = {c.path: c.sha256 for c in candidates}
    changes = Changes(errors=[str(p) for p in result.problems if p.path in changed])
    skip = {p.path for p in result.problems} | set(result.retry)
    changes.records = {
        path: FileRecord(str(path), sha, 0) for path, sha in changed.items() if path not in skip
    }
    for session in result.sessions:
        paths = session_files(session)
        if not any(path in changed for path in paths):
            changes.unchanged += 1
            continue
        changes.sessions.append(session)
        head = paths[0]
        if head in changes.records:
            changes.records[head] = FileRecord(str(head), changed[head], 1)
    return changes


def payload_item(payload: AnyPayload, source: str | None = None) -> NewItem:
    body = payload.to_json_bytes()
    if isinstance(payload, SealedPayload):  # the digest it holds, without building the model
        digest = payload.content_digest
    else:
        digest = payload.metadata.content_digest or content_digest(payload.to_document())
    return NewItem(payload.session_id, digest, body, source)


def prepare_session(session: Session, options: SanitizeOptions, since: datetime | None) -> Prepared:
    """Sanitize and serialize one session; bad input becomes an error message, never an exception."""
    from swgdb_bridge.assemble import session_files
    from swgdb_bridge.serialize import shared_serializer

    session_id, files = session.session_id, tuple(session_files(session))
    if since is not None and session.start_time < since:
        return Prepared(session_id, files, too_old=True)
    try:
        payload = shared_serializer(options).serialize(session)
    except SessionFileError as exc:
        return Prepared(session_id, files, error=str(exc))
    except BridgeError as exc:
        return Prepared(session_id, files, error=f"session {session_id} ({session.source_path}): {exc}")
    source = str(session.source_path) if session.source_path is not None else None
    return Prepared(session_id, files, item=payload_item(payload, source))


def prepare_all(
    sessions: Sequence[Session], options: SanitizeOptions, since: datetime | None, workers: int | None = 1
) -> Iterator[Prepared]:
    """:func:`prepare_session` for each session, in order; over ``workers`` processes (None: one per CPU, up
    to four) when the backfill is large enough to pay for starting them."""
    workers = min(MAX_WORKERS, os.cpu_count() or 1) if workers is None else workers
    if len(sessions) < PARALLEL_THRESHOLD or workers < 2 or sys.platform != "linux":
        yield from (prepare_session(s, options, since) for s in sessions)
        return
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        yield from pool.map(
            prepare_session, sessions, [options] * len(sessions), [since] * len(sessions), chunksize=CHUNK
        )


def changed_files(
    outbox: Outbox, files: Sequence[Path], *, since: datetime | None, force: bool
) -> tuple[list[Candidate], dict[str, int], list[str]]:
    """The files worth reading, plus counts (``unchanged``, ``skipped_old``, ``skipped_invalid``) and errors.

    A file is unchanged when its bytes hash to what the history recorded when it was queued; a file last
    modified before ``since`` cannot hold a session that started after it.
    """
    counts = {"unchanged": 0, "skipped_old": 0, "skipped_invalid": 0}
    errors: list[str] = []
    candidates = []
    for path in files:
        try:
            if since is not None and path.stat().st_mtime < since.timestamp():
                counts["skipped_old"] += 1
                continue
            sha = file_digest(path)
        except OSError as exc:
            counts["skipped_invalid"] += 1
            errors.append(f"{path}: cannot be read ({exc.strerror or exc}); check permissions")
            continue
        record = None if force else outbox.file_record(str(path))
        if record is not None and record.file_sha256 == sha:
            counts["unchanged"] += record.sessions
            continue
        candidates.append(Candidate(path, sha))
    return candidates, counts, errors
