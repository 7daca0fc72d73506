"""``SessionLogViewer``: list, view, search, analyze, compare and export session logs before upload.

The library face of ``swgdb-bridge logs``: every method returns data (printing is the CLI's job). Listing,
filtering, searching and analyzing read the summary index; only ``view_session`` (and a single-session
export) opens the session file itself. Each query rescans the folders when the last scan is older than
``max_age`` seconds, which on a warm index is a stat() per file. Calls may come from several threads
(the TUI runs them in workers); they run one at a time.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from swgdb_bridge import paths
from swgdb_bridge.assemble import session_files
from swgdb_bridge.errors import BridgeError, SessionFileError
from swgdb_bridge.model import Session
from swgdb_bridge.sources import file_digest
from swgdb_bridge.upload import design
from swgdb_bridge.upload.config import UploadConfig
from swgdb_bridge.viewer import build, detail, discovery, export, preview, upload_state
from swgdb_bridge.viewer.analyze import analyze
from swgdb_bridge.viewer.compare import compare, side_by_side
from swgdb_bridge.viewer.errors import UnknownSessionError
from swgdb_bridge.viewer.filters import SessionFilter
from swgdb_bridge.viewer.index import Progress, ScanReport, SummaryIndex
from swgdb_bridge.viewer.summary import SessionSummary

log = logging.getLogger(__name__)

INDEX_FILE = "viewer-index.sqlite"
DirArg = str | Path | Sequence[str | Path] | None
T = TypeVar("T")


def _one_at_a_time(method: Callable[..., T]) -> Callable[..., T]:
    """A public method that holds the viewer's lock: the index and the caches are shared between threads."""

    @functools.wraps(method)
    def locked(self: SessionLogViewer, *args: Any, **kwargs: Any) -> T:
        with self._lock:
            return method(self, *args, **kwargs)

    return locked


def _dirs(session_dirs: DirArg, config: UploadConfig) -> list[str]:
    if session_dirs is None:
        chosen: Sequence[str | Path] = config.session_dirs
    elif isinstance(session_dirs, str | Path):
        chosen = [session_dirs]
    else:
        chosen = session_dirs
    return [os.path.abspath(d) for d in chosen]


def _format_and_reason(reason: str) -> dict[str, str]:
    """``read as step_log: truncated JSON ...`` → the format the file was taken for, and the reason."""
    if reason.startswith("read as ") and ": " in reason:
        head, rest = reason.split(": ", 1)
        return {"format": head.removeprefix("read as "), "reason": rest}
    return {"format": "unknown", "reason": reason}


class SessionLogViewer:
    """Look through the session logs in ``session_dirs`` (default: the configured session folders)."""

    def __init__(
        self,
        session_dirs: DirArg = None,
        index_path: Path | str | None = None,
        config: UploadConfig | None = None,
        progress: Progress | None = None,
        max_age: float = 2.0,
    ) -> None:
        self.config = config or UploadConfig.load(use_keyring=False)  # it sends nothing
        self.session_dirs = _dirs(session_dirs, self.config)
        self.index_path = Path(index_path) if index_path else paths.data_dir() / INDEX_FILE
        self.progress = progress
        self.max_age = max_age
        self.last_scan: ScanReport | None = None
        self._index = SummaryIndex(self.index_path)
        self._files: set[str] = set()
        self._loaded: list[SessionSummary] | None = None
        self._scanned_at = float("-inf")
        self._lock = threading.RLock()

    @_one_at_a_time  # waits for a call still running in another thread
    def close(self) -> None:
        self._index.close()

    def __enter__(self) -> SessionLogViewer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- scanning ----------------------------------------------------------------------------------

    @_one_at_a_time
    def refresh(self) -> ScanReport:
        """Rescan the folders now: new and changed files are read, deleted ones dropped from the index."""
        files = self._discover()
        options = self.config.sanitize_options
        self.last_scan = self._index.refresh(
            files,
            self.session_dirs,
            lambda todo, reuse: build.build_entries(todo, options, reuse),
            self.progress,
        )
        self._files = set(files)
        self._loaded = None
        self._scanned_at = time.monotonic()
        return self.last_scan

    def _discover(self) -> list[str]:
        """The session files, rediscovered only when a folder changed (see :mod:`.discovery`)."""
        remembered = self._index.remembered_files(self.session_dirs)
        if remembered is not None and discovery.unchanged(remembered[1]):
            return remembered[0]
        files, stamps = discovery.discover(self.session_dirs)
        self._index.remember_files(self.session_dirs, files, stamps)
        return files

    def _fresh(self) -> None:
        if time.monotonic() - self._scanned_at > self.max_age:
            self.refresh()

    def _summaries(self) -> list[SessionSummary]:
        """The indexed summaries, decoded once per scan (a TUI filters them on every keystroke)."""
        self._fresh()
        if self._loaded is None:
            self._loaded = self._index.summaries(self._files)
        return list(self._loaded)

    @_one_at_a_time
    def problems(self) -> list[dict[str, str]]:
        """Files that could not be read: which file, the format it was taken for, and why."""
        self._fresh()
        return [{"path": p.path, **_format_and_reason(p.reason)} for p in self._index.problems(self._files)]

    def not_sessions(self) -> int:
        """How many files in the folders are JSON of no session shape (the bot's configs, reports)."""
        self._fresh()
        return self._index.not_sessions(self._files)

    def lifetime(self) -> list[dict[str, Any]]:
        """The bot's cumulative totals (``session_state.json``): shown here, never a session, never uploaded."""
        self._fresh()
        return [{"path": path, "totals": totals} for path, totals in self._index.lifetime(self._files)]

    def _session(self, summary: SessionSummary) -> Session:
        """The whole session of a summary, assembled again from the folders' files."""
        session = build.load(sorted(self._files), summary.path)
        if session is None:  # the files changed since the scan: the next scan lists what is there now
            raise UnknownSessionError(summary.session_id, [])
        return session

    def _find(self, session_id: str) -> SessionSummary:
        """By session id (or by file path); unknown ids raise with the closest known ids."""
        summaries = self._summaries()
        wanted = os.path.abspath(session_id)
        for summary in summaries:
            if summary.session_id == session_id or summary.path == wanted:
                return summary
        unreadable = self._index.problems({wanted})
        if unreadable:
            raise SessionFileError(unreadable[0].path, unreadable[0].reason)
        raise UnknownSessionError(session_id, sorted({s.session_id for s in summaries}))

    # -- the design's session dicts ------------------------------------------------------------------

    @_one_at_a_time
    def find_session_files(self) -> list[Path]:
        """The session files in the folders, sorted (the design's name for discovery)."""
        return [Path(p) for p in self._discover()]

    def load_session(self, path: Path | str) -> dict[str, Any] | None:
        """One session file as the design's dict, with its file facts; None (logged) when it is not one."""
        return design.load_session_data(Path(path))

    @_one_at_a_time
    def load_all_sessions(self) -> dict[str, dict[str, Any]]:
        """Every readable session file as the design's dict, by the session id the other methods take."""
        sessions: dict[str, dict[str, Any]] = {}
        for summary in sorted(self._summaries(), key=lambda s: s.path):
            loaded = self.load_session(summary.path)
            if loaded is not None:
                sessions[summary.session_id] = loaded
        return sessions

    # -- queries -----------------------------------------------------------------------------------

    def _row(self, summary: SessionSummary, states: dict[str, str]) -> dict[str, Any]:
        return {**summary.to_dict(), "problems": summary.problem_count, "upload_state": states[summary.path]}

    @_one_at_a_time
    def list_sessions(self, limit: int | None = None, **filters: Any) -> list[dict[str, Any]]:
        """Summaries, newest first; ``filters`` are :class:`SessionFilter`'s (character, planet, mode, ...)."""
        chosen = SessionFilter.build(**filters).apply(self._summaries())
        chosen.sort(key=lambda s: (s.start, s.session_id), reverse=True)
        chosen = chosen[:limit] if limit is not None else chosen
        states = upload_state.states_of(chosen)
        return [self._row(s, states) for s in chosen]

    @_one_at_a_time
    def view_session(self, session_id: str) -> dict[str, Any]:
        """The whole session, in sections, with the sanitization preview."""
        summary = self._find(session_id)
        session = self._session(summary)
        options = self.config.sanitize_options
        payload = build.payload_of(session, options)
        sanitized, counts = build.sanitized(session, options)
        return {
            "session_id": summary.session_id,
            "path": summary.path,
            "summary": self._row(summary, upload_state.states_of([summary])),
            "sections": detail.sections(session, payload),
            "sanitization": preview.preview(session, sanitized, counts),
            "problems": list(summary.warnings),
        }

    @_one_at_a_time
    def search_sessions(self, text: str, regex: bool = False, **filters: Any) -> list[dict[str, Any]]:
        """Sessions whose id, character, planets, quests or event text match, with the matching fields."""
        by_path = {s.path: s for s in SessionFilter.build(**filters).apply(self._summaries())}
        hits: dict[str, list[dict[str, str]]] = {}
        for path, field, value in self._index.search(set(by_path), text, regex):
            hits.setdefault(path, []).append({"field": field, "text": value})
        ordered = sorted(hits, key=lambda p: (by_path[p].start, by_path[p].session_id), reverse=True)
        return [
            {
                "session_id": by_path[p].session_id,
                "character": by_path[p].character,
                "start": by_path[p].start.isoformat(),
                "path": p,
                "matches": hits[p],
            }
            for p in ordered
        ]

    @_one_at_a_time
    def analyze_sessions(self, **filters: Any) -> dict[str, Any]:
        """Totals, averages, rates, per character and per planet, best and worst sessions."""
        return analyze(SessionFilter.build(**filters).apply(self._summaries()))

    @_one_at_a_time
    def compare_sessions(self, *session_ids: str | Sequence[str]) -> dict[str, Any]:
        """Sessions side by side, given as ids or one list of ids (the design's call).

        Always the design's ``sessions_compared`` and ``comparison_data`` (each session's figures by id);
        for exactly two sessions also each figure for A and B with the delta and ratio.
        """
        one_list = len(session_ids) == 1 and not isinstance(session_ids[0], str)
        ids = session_ids[0] if one_list else session_ids
        found = [self._find(str(session_id)) for session_id in ids]
        pair = compare(*found) if len(found) == 2 else {}
        return {**side_by_side(found), **pair}

    @_one_at_a_time
    def queue_session(self, session_id: str) -> str:
        """Put the sanitized payload of one session into the uploader's outbox; returns its upload state.

        Its files are recorded in the upload history at their current digests, as the uploader does, so
        ``swgdb-bridge upload`` sends it once and does not queue it again.
        """
        from swgdb_bridge.upload.outbox import FileRecord, Outbox
        from swgdb_bridge.upload.prepare import payload_item

        summary = self._find(session_id)
        session = self._session(summary)
        payload = build.payload_of(session, self.config.sanitize_options)
        records = [
            FileRecord(str(path), file_digest(path), int(str(path) == summary.path))
            for path in session_files(session)
        ]
        with Outbox() as box:
            box.enqueue([payload_item(payload, summary.path)], files=records)
        return upload_state.states_of([summary])[summary.path]

    @_one_at_a_time
    def export_text(self, session_id: str = "all", format: str = "json", **filters: Any) -> str:
        """One session's view, or ``"all"`` (the filtered list), as json/csv/xml text."""
        export.check_format(format)
        document: Any = (
            self.list_sessions(**filters) if session_id == "all" else self.view_session(session_id)
        )
        return export.render(document, format)

    def export_session(
        self, session_id: str, output: str | Path, format: str = "json", **filters: Any
    ) -> bool:
        """The design's export: :meth:`export_text` written to ``output``; False (logged) when it cannot be."""
        try:
            export.write(Path(output), self.export_text(session_id, format, **filters))
        except BridgeError as exc:
            log.warning("export of %r failed: %s", session_id, exc)
            return False
        return True
