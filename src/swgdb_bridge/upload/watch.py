"""``swgdb-bridge watch``: upload new and grown session files while the bot runs.

File events (watchdog) only wake the loop early; a periodic scan of sizes and mtimes is the ground
truth, so the watcher also works where file events do not (network drives, inotify limits). A pass runs
once a changed file stopped changing for ``settle_seconds`` — a session still being written is sent when it
pauses, and again (as ``updated``) when it grows or a new file of it appears. Every ``interval_seconds`` a full pass runs anyway, and
queued sessions are retried whenever their persisted backoff is due.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from swgdb_bridge.errors import ConfigError, StateWriteError
from swgdb_bridge.upload.outbox import Outbox, UploaderLock
from swgdb_bridge.upload.uploader import SessionUploader, UploadReport

log = logging.getLogger(__name__)

Signature = tuple[int, int]  # (size, mtime_ns)
DISK_RETRY_SECONDS = 60.0
"""How long passes pause after the disk refused a write to the upload state (see ``SessionWatcher._pass``)."""


class SessionWatcher:
    """Runs until :meth:`stop` (the command wires SIGINT/SIGTERM to it); holds the uploader lock meanwhile."""

    def __init__(
        self,
        uploader: SessionUploader,
        dirs: list[Path],
        *,
        interval_seconds: float,
        settle_seconds: float = 3.0,
        poll_seconds: float = 5.0,
        file_events: bool = True,
        on_report: Callable[[UploadReport], None] | None = None,
        disk_retry_seconds: float = DISK_RETRY_SECONDS,
    ) -> None:
        if interval_seconds <= 0:  # a zero interval would run a full pass on every poll tick
            raise ConfigError("UPLOAD_INTERVAL_MINUTES must be greater than 0 (minutes between full passes)")
        self.uploader = uploader
        self.dirs = dirs
        self.interval_seconds = interval_seconds
        self.settle_seconds = settle_seconds
        self.poll_seconds = poll_seconds
        self.file_events = file_events
        self.on_report = on_report
        self.disk_retry_seconds = disk_retry_seconds
        self._resume_at = 0.0  # monotonic time before which no pass runs (after a refused write)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._sent: dict[Path, Signature] = {}  # signature of each file when last handed to the uploader
        self._seen: dict[Path, tuple[Signature, float]] = {}  # last signature seen, and since when
        self._found: list[Path] = []  # every file of the last scan: a play session spans many of them

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def run(self) -> None:
        with UploaderLock(self.uploader.state_folder), Outbox(self.uploader.outbox_path) as outbox:
            observer = self._start_observer() if self.file_events else None
            try:
                self._loop(outbox)
            finally:
                if observer is not None:
                    observer.stop()
                    observer.join(timeout=5)

    def _start_observer(self) -> Any:
        """watchdog on every existing folder; None (polling only) if it cannot start here."""
        try:
            from watchdog.events import FileSystemEventHandler
            from watchdog.observers import Observer

            wake = self._wake

            class Wake(FileSystemEventHandler):
                def on_any_event(self, event: Any) -> None:
                    wake.set()

            observer = Observer()
            for folder in self.dirs:
                if folder.is_dir():
                    observer.schedule(Wake(), str(folder), recursive=True)
            observer.start()
            return observer
        except Exception as exc:
            log.warning(
                "file events unavailable (%s); watching by polling every %.0fs", exc, self.poll_seconds
            )
            return None

    def _loop(self, outbox: Outbox) -> None:
        next_full = time.monotonic()
        while not self._stop.is_set():
            now = time.monotonic()
            if now >= next_full:
                files = self._scan(now, settled_only=False)
                next_full = now + self.interval_seconds
            else:
                files = self._scan(now, settled_only=True)
            due = outbox.next_due_at()
            if (files or (due is not None and due <= time.time())) and now >= self._resume_at:
                self._pass(outbox, files)
            self._wake.wait(self._sleep_for(next_full))
            self._wake.clear()

    def _sleep_for(self, next_full: float) -> float:
        until_full = max(0.0, next_full - time.monotonic())
        return min(
            self.poll_seconds, until_full, self.settle_seconds if self._unsettled() else self.poll_seconds
        )

    def _unsettled(self) -> bool:
        return any(self._sent.get(path) != sig for path, (sig, _) in self._seen.items())

    def _scan(self, now: float, *, settled_only: bool) -> list[Path]:
        """Files changed since last sent; with ``settled_only``, only those that stopped changing."""
        from swgdb_bridge.sources import discover_files

        ready = []
        self._found = discover_files(self.dirs)
        for path in self._found:
            try:
                stat = path.stat()
            except OSError:
                continue
            sig = (stat.st_size, stat.st_mtime_ns)
            previous = self._seen.get(path)
            if previous is None or previous[0] != sig:
                self._seen[path] = (sig, now)
            changed_at = self._seen[path][1]
            if self._sent.get(path) != sig and (not settled_only or now - changed_at >= self.settle_seconds):
                ready.append(path)
        return ready

    def _pass(self, outbox: Outbox, files: list[Path]) -> None:
        """One upload pass. A disk that refuses a write to the upload state (full, say) ends the pass, not
        the watch: the bot writes on for hours, and nobody may be there to restart it. Its files stay unsent
        (read again next time), and passes pause for ``disk_retry_seconds``, so a full disk does not cost a
        re-read of every file at each poll."""
        try:
            self._upload(outbox, files)
        except StateWriteError as exc:
            self._resume_at = time.monotonic() + self.disk_retry_seconds
            if self.on_report is not None:
                retry = f"{exc} (the watch tries again in {self.disk_retry_seconds:g} s)"
                self.on_report(UploadReport(errors=[retry], queued=outbox.count()))

    def _upload(self, outbox: Outbox, files: list[Path]) -> None:
        """A pass over every file found (the uploader re-reads only when one changed): the bot's files of one
        play session are assembled together, so a new or grown part re-sends its whole session."""
        report = self.uploader.process(outbox, self._found)
        for path in files:
            self._sent[path] = self._seen[path][0]
        if self.on_report is not None:
            self.on_report(report)
