"""Session files → outbox entries: pick the files that changed, then read, sanitize and serialize them.

Serializing is the costly step (the sanitizer's fail-closed re-scan of every string), so a backfill of many
files may be spread over worker processes; the outbox itself is written only by the calling process, in the
order the files were given. Workers are opt-in (``workers``) and Linux-only: they are forked, because
``spawn`` would re-import the caller's main module (a user's script, or ``python -m swgdb_bridge``) in every
worker; a worker only reads, sanitizes and serializes, touching no lock another thread could hold.
Elsewhere the files are prepared in this process. Nothing here sends anything.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path

from swgdb_bridge.errors import BridgeError, SessionFileError
from swgdb_bridge.payload import SessionPayload, content_digest
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.upload.outbox import NewItem, Outbox

# Below this many files, starting worker processes costs more than it saves.
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
    """One candidate's outcome: an entry to queue, or why there is none (``old`` or an error message)."""

    candidate: Candidate
    item: NewItem | None = None
    too_old: bool = False
    error: str | None = None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def payload_item(payload: SessionPayload, source: str | None = None) -> NewItem:
    body = payload.to_json_bytes()
    digest = payload.metadata.content_digest or content_digest(payload.to_document())
    return NewItem(payload.session_id, digest, body, source)


def prepare_file(candidate: Candidate, options: SanitizeOptions, since: datetime | None) -> Prepared:
    """Read, sanitize and serialize one file; bad input becomes an error message, never an exception."""
    from swgdb_bridge.serialize import shared_serializer
    from swgdb_bridge.sources import read_session

    try:
        session = read_session(candidate.path)
        if since is not None and session.start_time is not None and session.start_time < since:
            return Prepared(candidate, too_old=True)
        payload = shared_serializer(options).serialize(session)
    except SessionFileError as exc:
        return Prepared(candidate, error=str(exc))
    except BridgeError as exc:
        return Prepared(candidate, error=f"{candidate.path}: {exc}")
    return Prepared(candidate, item=payload_item(payload, str(candidate.path)))


def prepare_all(
    candidates: Sequence[Candidate], options: SanitizeOptions, since: datetime | None, workers: int | None = 1
) -> Iterator[Prepared]:
    """:func:`prepare_file` for each candidate, in order; over ``workers`` processes (None: one per CPU, up to
    four) when the backfill is large enough to pay for starting them."""
    workers = min(MAX_WORKERS, os.cpu_count() or 1) if workers is None else workers
    if len(candidates) < PARALLEL_THRESHOLD or workers < 2 or sys.platform != "linux":
        yield from (prepare_file(c, options, since) for c in candidates)
        return
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        yield from pool.map(
            prepare_file, candidates, [options] * len(candidates), [since] * len(candidates), chunksize=CHUNK
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
            sha = file_sha256(path)
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
