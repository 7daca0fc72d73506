"""Uploading: files → sanitized payloads → the durable outbox → the server.

:class:`SessionUploader` is the seed's entry point (``upload_all_sessions()``): it finds session files,
skips the pass when none changed since queued, assembles the play sessions of the changed ones (one play
session may span many of the bot's files), serializes them (sanitizing on the way) and commits each to the
outbox *before* it is sent. :class:`SWGDBUploadManager` drains the outbox in batches bounded by the server's
limits, removing an entry only once the server confirmed it: whole batches as soon as they wait, while later
files are still being read and serialized, and the rest at the end.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from swgdb_bridge import paths
from swgdb_bridge.errors import APIError, ConfigError, StateError
from swgdb_bridge.upload import design
from swgdb_bridge.upload._retry import TokenBucket, backoff_delay, bounded_hint
from swgdb_bridge.upload.client import SWGDBAPIClient, TransientAPIError, UploadResult, check_answered_for
from swgdb_bridge.upload.config import UploadConfig
from swgdb_bridge.upload.design import UploadRecord
from swgdb_bridge.upload.memory_queue import InMemoryQueue
from swgdb_bridge.upload.outbox import FileRecord, NewItem, Outbox, QueuedItem, UploaderLock
from swgdb_bridge.upload.prepare import changed_files, changed_sessions, prepare_all

log = logging.getLogger(__name__)

# Files read and serialized before their payloads are committed in one transaction: fewer fsyncs,
# and a crash loses at most this much reading work (never an upload).
ENQUEUE_CHUNK = 50
BATCH_ENVELOPE_BYTES = 64
# Bounds on the server's /v1/info limits: they may lower ours, never raise them past these.
MAX_HINT_BATCH_SESSIONS = 1000
MAX_HINT_BODY_BYTES = 1 << 31

# progress(phase, done, total): phase is "reading" or "sending".
Progress = Callable[[str, int, int], None]


@dataclass
class UploadReport:
    """Counts of one run, in sessions. ``failed`` were dead-lettered; ``queued`` wait for a later run."""

    uploaded: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_invalid: int = 0
    skipped_old: int = 0
    failed: int = 0
    queued: int = 0
    errors: list[str] = field(default_factory=list)
    would_send: list[dict[str, Any]] = field(default_factory=list)
    records: list[UploadRecord] = field(default_factory=list)  # per session sent (not in as_dict)

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.queued == 0

    def count(self, result: UploadResult) -> None:
        if result.status == "created":
            self.uploaded += 1
        elif result.status == "updated":
            self.updated += 1
        elif result.status == "unchanged":
            self.unchanged += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "uploaded": self.uploaded,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped_invalid": self.skipped_invalid,
            "skipped_old": self.skipped_old,
            "failed": self.failed,
            "queued": self.queued,
            "errors": list(self.errors),
            **({"would_send": self.would_send} if self.would_send else {}),
        }


class SWGDBUploadManager(InMemoryQueue):
    """Drains the outbox through the client: batching, pacing, retry scheduling and dead letters.

    Built with a client alone it is the design's in-memory queue (:class:`InMemoryQueue`:
    ``add_to_queue``, ``process_queue``, ``retry_failed_uploads``); only :meth:`flush` needs the outbox.
    """

    def __init__(
        self,
        client: SWGDBAPIClient,
        outbox: Outbox | None = None,
        *,
        retry_delay_seconds: float = 30.0,
        batch: bool = True,
        max_batch_sessions: int = 100,
        max_batch_bytes: int = 8 * 1024 * 1024,
    ) -> None:
        self.client = client
        self.outbox = outbox
        self.retry_delay_seconds = retry_delay_seconds
        self.batch = batch
        self.max_batch_sessions = max_batch_sessions
        self.max_batch_bytes = max_batch_bytes
        self._configured = False
        self.sent = 0  # sessions sent by its flushes so far: the "sending" progress goes on from it
        self.stopped = False  # a flush met an unhappy server: sending again in this run would only repeat it
        super().__init__()

    def configure_from_server(self) -> None:
        """Adopt the server's batch and body limits where lower than ours, and pace under its rate limit.

        Each hint is bounded (:func:`~swgdb_bridge.upload._retry.bounded_hint`): a malformed one is ignored
        with a warning, an absurd one clamped; none can make batches larger than this manager's own limits.
        """
        limits = self.client.get_api_info().get("limits", {})
        if not isinstance(limits, dict):
            log.warning("ignoring the server's limits in /v1/info: not an object")
            limits = {}
        sessions = _hint(limits, "max_batch_sessions", MAX_HINT_BATCH_SESSIONS)
        if sessions is not None:
            self.max_batch_sessions = min(self.max_batch_sessions, int(sessions))
        body_bytes = _hint(limits, "max_body_bytes", MAX_HINT_BODY_BYTES)
        if body_bytes is not None:
            self.max_batch_bytes = min(self.max_batch_bytes, int(body_bytes) - BATCH_ENVELOPE_BYTES)
        if self.client.rate_limiter is None:
            self.client.rate_limiter = TokenBucket.for_server_hint(limits.get("rate_limit"))
        self._configured = True

    def flush(
        self,
        report: UploadReport | None = None,
        progress: Progress | None = None,
        *,
        whole_batches: bool = False,
    ) -> UploadReport:
        """Send everything that is due. Stops early, leaving the rest queued (and :attr:`stopped` set), when
        the server is unhappy.

        With ``whole_batches`` it sends only while a whole batch is due: the uploader flushes so after each
        chunk it queues, so that batches travel while later sessions are still being prepared.
        """
        if self.outbox is None:
            raise StateError(
                "SWGDBUploadManager.flush drains the durable outbox, and this manager has none; pass "
                "outbox=Outbox() (or use process_queue for sessions added with add_to_queue)"
            )
        report = report or UploadReport()
        total = self.sent + self.outbox.count_due()
        if progress and not whole_batches:
            progress("sending", self.sent, total)
        try:
            if not self._configured:
                self.configure_from_server()
            size = self.max_batch_sessions if self.batch else 1
            while (not whole_batches or self.outbox.count_due() >= size) and (
                items := self.outbox.due(limit=size, max_bytes=self.max_batch_bytes)
            ):
                self._send(items, report)
                self.sent += len(items)
                if progress:
                    progress("sending", self.sent, max(total, self.sent))
        except TransientAPIError as exc:
            self.stopped = True
            report.errors.append(f"{exc} — queued sessions will be retried later")
        except APIError as exc:
            self.stopped = True
            report.errors.append(str(exc))
        report.queued = self.outbox.count()
        return report

    def _send(self, items: Sequence[QueuedItem], report: UploadReport) -> None:
        try:
            results = self.client.send_batch([item.body for item in items])
            check_answered_for([item.session_id for item in items], results)
        except TransientAPIError as exc:
            self.outbox.reschedule_many(
                ((i, self._next_attempt(i, exc.retry_after)) for i in items), str(exc)
            )
            raise
        stored = [(item, result.status) for item, result in zip(items, results, strict=True) if result.stored]
        self.outbox.confirm_many(stored)
        for item, result in zip(items, results, strict=True):
            if result.stored:
                report.count(result)
                report.records.append(design.record(item.session_id, item.source, result.status))
            else:
                self._bury(item, result, report)

    def _bury(self, item: QueuedItem, result: UploadResult, report: UploadReport) -> None:
        reason = (
            f"too large for the server ({result.message or '413'}); split the session log or raise the "
            "server's max_body_bytes"
            if result.status == "too_large"
            else f"refused by the server ({result.error}: {result.message})"
        )
        self.outbox.bury(item, reason)
        report.failed += 1
        report.records.append(design.record(item.session_id, item.source, result.status, reason))
        report.errors.append(f"session {item.session_id} ({item.source or 'queued payload'}): {reason}")

    def _next_attempt(self, item: QueuedItem, retry_after: float | None) -> float:
        """Persisted backoff: the server's (bounded) Retry-After when given, else exponential with full jitter."""
        wait = (
            retry_after if retry_after is not None else backoff_delay(item.attempts, self.retry_delay_seconds)
        )
        return time.time() + wait


def _hint(limits: dict[str, Any], name: str, high: float) -> float | None:
    """A positive size limit from ``/v1/info``, or None when the server gave none (or none usable)."""
    return None if limits.get(name) is None else bounded_hint(name, limits[name], 1, high)


class SessionUploader:
    """The whole job for one user: discover, sanitize, serialize, queue, send (seed API)."""

    def __init__(
        self,
        config: UploadConfig | None = None,
        *,
        client: SWGDBAPIClient | None = None,
        outbox_path: Path | None = None,
        batch: bool = True,
        max_batch_sessions: int = 100,
        workers: int | None = 1,
        **client_options: Any,
    ) -> None:
        self.config = config or UploadConfig.load()
        if client is None:
            options: dict[str, Any] = {
                "max_retries": self.config.max_retries,
                "retry_delay_seconds": self.config.retry_delay_seconds,
                "allow_insecure_http": self.config.allow_insecure_http,
                **client_options,
            }
            client = SWGDBAPIClient(
                self.config.swgdb_api_url, self.config.api_key, self.config.user_hash, **options
            )
        self.client = client
        self.outbox_path = outbox_path
        self.batch = batch
        self.max_batch_sessions = max_batch_sessions
        self.workers = workers  # processes for serializing a large backfill; None: one per CPU (see prepare)
        self.session_dirs: list[Path] = list(self.config.session_dirs)  # where discovery looks by default
        self.uploaded_sessions: list[UploadRecord] = []  # every session sent by this uploader, in order

    def __repr__(self) -> str:
        return f"SessionUploader(api_url={self.config.swgdb_api_url!r}, user_hash={self.config.user_hash!r})"

    def close(self) -> None:
        self.client.close()

    @property
    def sessions_dir(self) -> Path | None:
        """The design's single session folder: the first folder discovery looks in."""
        return self.session_dirs[0] if self.session_dirs else None

    @sessions_dir.setter
    def sessions_dir(self, folder: Path | str) -> None:
        self.session_dirs = [Path(folder)]

    def find_session_logs(self) -> list[Path]:
        """The session files in :attr:`session_dirs` (the design's name for discovery)."""
        from swgdb_bridge.sources import discover_files

        return discover_files(self.session_dirs)

    def load_session_data(self, path: Path | str) -> dict[str, Any] | None:
        """One session file as the design's dict, with its file facts; None when it is not one."""
        return design.load_session_data(Path(path))

    def sanitize_session_data(self, session_data: dict[str, Any]) -> dict[str, Any]:
        """The design's config filter: a copy without the sections the config excludes, marked ``_sanitized``."""
        return design.sanitize_session_data(session_data, self.config.sanitize_options)

    def get_upload_statistics(self) -> dict[str, Any]:
        """Totals, success rate and last upload over :attr:`uploaded_sessions`."""
        return design.upload_statistics(self.uploaded_sessions)

    def check_credentials(self) -> None:
        missing = [
            name
            for name, value in (
                ("SWGDB_API_KEY", self.config.api_key),
                ("SWGDB_USER_HASH", self.config.user_hash),
            )
            if not value
        ]
        if missing:
            raise ConfigError(
                f"{' and '.join(missing)} not set; set them in the environment or in "
                f"{paths.config_dir() / 'config.toml'} (see `swgdb-bridge config`)"
            )

    def upload_all_sessions(
        self,
        dirs: Sequence[Path | str] | None = None,
        *,
        since: datetime | None = None,
        force: bool = False,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        """Upload every new or changed session file; the seed's ``results['uploaded']``/``['failed']`` dict."""
        return self.run(dirs, since=since, force=force, dry_run=dry_run, progress=progress).as_dict()

    def run(
        self,
        dirs: Sequence[Path | str] | None = None,
        *,
        since: datetime | None = None,
        force: bool = False,
        dry_run: bool = False,
        progress: Progress | None = None,
        files: Sequence[Path] | None = None,
    ) -> UploadReport:
        """Like :meth:`upload_all_sessions` but returns the :class:`UploadReport`; ``files`` skips discovery."""
        if not dry_run:
            self.check_credentials()
        found = list(files) if files is not None else self._discover(dirs)
        if dry_run:
            report = UploadReport()
            with Outbox(self.outbox_path) as outbox:
                self._queue_files(
                    outbox, found, report, since=since, force=force, dry_run=True, progress=progress
                )
            return report
        with UploaderLock(self.state_folder), Outbox(self.outbox_path) as outbox:
            return self.process(outbox, found, since=since, force=force, progress=progress)

    def _discover(self, dirs: Sequence[Path | str] | None) -> list[Path]:
        if dirs is None:
            return self.find_session_logs()
        from swgdb_bridge.sources import discover_files

        return discover_files([Path(d) for d in dirs])

    @property
    def state_folder(self) -> Path | None:
        return self.outbox_path.parent if self.outbox_path else None

    def process(
        self,
        outbox: Outbox,
        files: Sequence[Path],
        *,
        since: datetime | None = None,
        force: bool = False,
        progress: Progress | None = None,
    ) -> UploadReport:
        """Queue ``files`` and drain the outbox; the caller holds the uploader lock (``run``, ``watch``)."""
        report = UploadReport()
        if force:  # read every file again, and send what waits even if a server asked us to wait
            outbox.forget_files()
            outbox.make_all_due()
        manager = self.manager(outbox)

        def send_whole_batches() -> None:
            if not manager.stopped:
                manager.flush(report, progress, whole_batches=True)

        self._queue_files(
            outbox,
            files,
            report,
            since=since,
            force=force,
            dry_run=False,
            progress=progress,
            queued=send_whole_batches,
        )
        if not manager.stopped:
            manager.flush(report, progress)
        report.queued = outbox.count()
        self.uploaded_sessions.extend(report.records)
        return report

    def manager(self, outbox: Outbox) -> SWGDBUploadManager:
        return SWGDBUploadManager(
            self.client,
            outbox,
            retry_delay_seconds=self.config.retry_delay_seconds,
            batch=self.batch,
            max_batch_sessions=self.max_batch_sessions,
        )

    def _queue_files(
        self,
        outbox: Outbox,
        files: Sequence[Path],
        report: UploadReport,
        *,
        since: datetime | None,
        force: bool,
        dry_run: bool,
        progress: Progress | None,
        queued: Callable[[], None] | None = None,
    ) -> None:
        """Assemble the sessions of new or changed files, serialize them, and commit payloads and file records
        in chunks (each chunk's records go with its payloads; the rest once every session is queued).
        ``queued`` is called after each chunk is committed."""

        candidates, counts, errors = changed_files(outbox, files, since=since, force=force)
        report.skipped_old += counts["skipped_old"]
        report.skipped_invalid += counts["skipped_invalid"]
        report.errors.extend(errors)
        if not candidates:
            report.unchanged += counts["unchanged"]
            return
        changes = changed_sessions(files, candidates)
        report.unchanged += changes.unchanged
        report.skipped_invalid += len(changes.errors)
        report.errors.extend(changes.errors)
        items: list[NewItem] = []
        records: list[FileRecord] = []
        prepared = prepare_all(changes.sessions, self.config.sanitize_options, since, self.workers)
        for done, outcome in enumerate(prepared, 1):
            if outcome.item is None:  # too old now, or an error: its files are read again on a later pass
                for path in outcome.files:
                    changes.records.pop(path, None)
            if outcome.too_old:
                report.skipped_old += 1
            elif outcome.item is None:
                report.skipped_invalid += 1
                report.errors.append(outcome.error or f"session {outcome.session_id}: not serialized")
            elif dry_run:
                item = outcome.item
                report.would_send.append(
                    {
                        "file": item.source,
                        "session_id": item.session_id,
                        "digest": item.digest,
                        "bytes": len(item.body),
                    }
                )
            else:
                items.append(outcome.item)
                records += [changes.records.pop(p) for p in outcome.files if p in changes.records]
            if len(items) >= ENQUEUE_CHUNK:
                outbox.enqueue(items, records)
                items, records = [], []
                if queued:
                    queued()
            if progress:
                progress("reading", done, len(changes.sessions))
        if not dry_run and (items or records or changes.records):
            outbox.enqueue(items, records + list(changes.records.values()))
