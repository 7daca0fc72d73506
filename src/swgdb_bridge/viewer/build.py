"""Reading session files into index entries: the one place the viewer calls the pipeline's readers.

The MS11 bot scatters one play session over many files, so the folders are read together and assembled
(``swgdb_bridge.assemble``); each session is serialized exactly as the uploader would (so the summary's
figures are the uploaded ones) and summarized under its *head* file (``Session.source_path``: the first of
its files). Every other file gets an entry too: a problem (which file, the format it was taken for, why),
the bot's lifetime totals, a skipped non-session, or nothing (a part of a session headed elsewhere). Any
error the pipeline raises on purpose makes a problem; it never stops the scan.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from swgdb_bridge.assemble import assemble_paths, session_files
from swgdb_bridge.errors import BridgeError, SessionFileError
from swgdb_bridge.model import Session
from swgdb_bridge.sanitize.options import SanitizeOptions
from swgdb_bridge.sources import file_digest
from swgdb_bridge.viewer.index import IndexEntry, Reuse
from swgdb_bridge.viewer.summary import search_texts, summarize

if TYPE_CHECKING:  # pydantic models cost a second to import; the warm listing never needs them
    from swgdb_bridge.assemble import AssemblyResult
    from swgdb_bridge.payload_fast import SealedPayload


def assemble(paths: list[str]) -> AssemblyResult:
    return assemble_paths([Path(p) for p in paths])


def load(paths: list[str], head: str) -> Session | None:
    """The session headed by ``head``, assembled from ``paths`` again (its files may have changed)."""
    for session in assemble(paths).sessions:
        if session.source_path is not None and os.path.abspath(session.source_path) == head:
            return session
    return None


def payload_of(session: Session, options: SanitizeOptions) -> SealedPayload:
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


def _with_field(reason: str, field: str | None) -> str:
    """The reason naming its field after the ``read as <format>: `` head, which the problem list splits off
    as the format (``viewer._format_and_reason``)."""
    if field is None:
        return reason
    head, separator, rest = reason.partition(": ") if reason.startswith("read as ") else ("", "", reason)
    return f"{head}{separator}field {field!r}: {rest}"


def build_entries(
    paths: list[str], options: SanitizeOptions, reuse: Reuse
) -> Iterator[tuple[str, IndexEntry]]:
    """One entry per file of ``paths`` (absolute), after assembling them all.

    One changed file makes the index assemble all of them again (it may move parts between sessions), but
    a session made of the same files with the same bytes, under the same options, has the same summary:
    ``reuse`` gives it back, and only new or changed sessions are serialized.
    """
    entries = {path: _stamp(path) for path in paths}
    result = assemble(paths)
    placed = {str(p) for s in result.sessions for p in session_files(s)}
    placed |= {str(u.part.path) for u in result.unplaced}
    for problem in result.problems:
        entries[str(problem.path)].problem = _with_field(problem.reason, problem.field)
    for totals in result.lifetime:
        entries[str(totals.path)].lifetime = dict(totals.totals)
    for path in result.retry:  # still being written: never "unchanged", so the next scan reads it again
        entries[str(path)].size = -1
    for path, entry in entries.items():
        entry.not_session = path not in placed and entry.problem is None and entry.lifetime is None
    for session in result.sessions:
        head = os.path.abspath(session.source_path) if session.source_path is not None else None
        if head in entries:
            entry = entries[head]
            entry.members = _members(session, entries, options)
            kept = reuse(head, entry.members) if entry.members is not None else None
            if kept is not None:
                entry.summary, entry.texts = kept
                entry.reused = True
            else:
                _summarize(entry, session, head, options)
    yield from entries.items()


def _members(session: Session, entries: dict[str, IndexEntry], options: SanitizeOptions) -> str | None:
    """What a session's summary is made from: its files' paths and digests, and the options; None when a
    file's bytes are unknown (unreadable or still being written), so the session is summarized again."""
    files = []
    for path in sorted(str(p) for p in session_files(session)):
        entry = entries.get(path)
        if entry is None or not entry.digest or entry.size < 0:
            return None
        files.append((path, entry.digest))
    return hashlib.sha256(orjson.dumps([files, repr(options)])).hexdigest()


def _stamp(path: str) -> IndexEntry:
    """The file's size and mtime, taken before it is read (a file that grows meanwhile is read again)."""
    try:
        stat = os.stat(path)
        return IndexEntry(digest=file_digest(path), size=stat.st_size, mtime_ns=stat.st_mtime_ns)
    except OSError as exc:
        return IndexEntry(digest="", problem=problem_text(exc))


def _summarize(entry: IndexEntry, session: Session, head: str, options: SanitizeOptions) -> None:
    try:
        payload = payload_of(session, options)
    except BridgeError as exc:
        entry.problem = problem_text(exc)
        return
    entry.summary = summarize(session, payload, head, entry.digest)
    entry.texts = search_texts(session, entry.summary)
