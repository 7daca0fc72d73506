"""Reading session files into index entries: the one place the viewer calls the pipeline's readers.

A file is read, serialized exactly as the uploader would (so the summary's figures are the uploaded ones),
and summarized. Any error the pipeline raises on purpose makes the file a *problem* (which file, why);
it never stops the scan. Many files are spread over worker processes: parsing is CPU-bound.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from swgdb_bridge.errors import BridgeError, SessionFileError
from swgdb_bridge.model import Session
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.viewer.index import IndexEntry, file_digest
from swgdb_bridge.viewer.summary import search_texts, summarize

if TYPE_CHECKING:  # pydantic models cost a second to import; the warm listing never needs them
    from swgdb_bridge.payload import SessionPayload

# Below this many files a process pool (about a second to start its workers) costs more than it saves.
POOL_THRESHOLD = 400
CHUNK = 50


def load(path: str | Path) -> Session:
    from swgdb_bridge.sources import read_session

    return read_session(Path(path))


def payload_of(session: Session, options: SanitizeOptions) -> SessionPayload:
    """The payload exactly as the uploader would build it."""
    from swgdb_bridge.serialize import shared_serializer

    return shared_serializer(options).serialize(session)


def sanitized(session: Session, options: SanitizeOptions) -> tuple[Session, dict[str, int]]:
    """The session after the serializer's own sanitizer, and its counts per category."""
    from swgdb_bridge.serialize import shared_serializer

    clean, report = shared_serializer(options).sanitizer.sanitize_session(session)
    return clean, dict(report.counts)


def problem_text(exc: Exception) -> str:
    """Why a file failed, without repeating its path (the problem list shows that beside it)."""
    if isinstance(exc, SessionFileError):
        return f"field {exc.field!r}: {exc.reason}" if exc.field else exc.reason
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def build_entry(path: str, options: SanitizeOptions) -> IndexEntry:
    try:
        stat = os.stat(path)
        digest = file_digest(path)
    except OSError as exc:
        return IndexEntry(digest="", problem=problem_text(exc))
    stamp = {"digest": digest, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    try:
        session = load(path)
        payload = payload_of(session, options)
    except (BridgeError, OSError) as exc:
        return IndexEntry(**stamp, problem=problem_text(exc))
    summary = summarize(session, payload, path, digest)
    return IndexEntry(**stamp, summary=summary, texts=search_texts(session, summary))


def build_entries(
    paths: list[str], options: SanitizeOptions, workers: int | None = None
) -> Iterator[tuple[str, IndexEntry]]:
    """Entries for ``paths`` in order; by default over one process per core when there are many files."""
    if workers is None:
        workers = min(os.cpu_count() or 1, 8) if len(paths) >= POOL_THRESHOLD else 1
    job = partial(build_entry, options=options)
    if workers < 2:
        yield from ((path, job(path)) for path in paths)
        return
    # spawn, not fork: the TUI scans from a process with threads, and fresh workers read the current
    # environment (SWGDB_BRIDGE_HOME decides whose pseudonym key the serializer loads).
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield from zip(paths, pool.map(job, paths, chunksize=CHUNK), strict=True)
